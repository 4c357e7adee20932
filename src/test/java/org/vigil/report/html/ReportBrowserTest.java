package org.vigil.report.html;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.Select;
import org.vigil.report.OutputWriter;

/**
 * Opens report.html of a run full of hostile strings in headless Chromium: no console error (a
 * style or script refused by the Content-Security-Policy would be one), no injected script ran,
 * the verdict, the alert count and the timeline SVG are there, the filter works, and a screenshot
 * is saved as target/report-screenshot.png. Skipped when {@code /usr/bin/chromium} or
 * {@code /usr/bin/chromedriver} is missing (CI installs Debian's chromium and chromium-driver).
 */
class ReportBrowserTest {
    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    @TempDir
    Path tmp;

    private WebDriver driver;

    @BeforeEach
    void startBrowser() {
        assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "no browser: " + CHROMIUM + " and " + CHROMEDRIVER + " are needed (apt-get install chromium chromium-driver)");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--no-first-run", "--disable-extensions", "--window-size=1280,900", "--lang=en-US");
        options.setCapability("goog:loggingPrefs", Map.of(LogType.BROWSER, "ALL"));
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort().build();
        try {
            driver = new ChromeDriver(service, options);
        } catch (WebDriverException e) {
            assumeTrue(false, "headless Chromium could not start: " + e.getMessage().lines().findFirst().orElse(""));
        }
    }

    @AfterEach
    void stopBrowser() {
        if (driver != null) {
            driver.quit();
        }
    }

    @Test
    void hostileReportRendersSafelyWithoutErrors() throws Exception {
        new OutputWriter().write(HostileRun.run(), tmp);
        driver.get(tmp.resolve("report.html").toUri().toString());
        JavascriptExecutor js = (JavascriptExecutor) driver;

        assertThat(js.executeScript("return typeof window.__pwned")).isEqualTo("undefined");
        assertThat(driver.getTitle()).isEqualTo("Phone check report");
        assertThat(driver.findElement(By.cssSelector("#verdict h2")).getText()).isEqualTo("Traces of known spyware were found");
        assertThat(driver.findElement(By.id("alert-counts")).getAttribute("data-total")).isEqualTo("2");
        assertThat(driver.findElements(By.cssSelector("article.alert"))).hasSize(2);
        assertThat(driver.findElement(By.cssSelector("#alerts h2")).getText()).contains("2 alerts");
        WebElement svg = driver.findElement(By.cssSelector(".chart.c0 svg"));
        assertThat(svg.isDisplayed()).isTrue();
        assertThat(driver.findElements(By.cssSelector(".chart.c0 svg g.bin.alert"))).isNotEmpty();
        // the hostile strings are on the page, as text
        assertThat(driver.findElement(By.tagName("body")).getText()).contains("<script>window.__pwned=1;")
                .contains("<img src=x onerror=");
        assertThat(driver.findElements(By.cssSelector("main img, main iframe, main script"))).isEmpty();
        // the inline style applied (allowed by its hash) ...
        assertThat(js.executeScript("return getComputedStyle(document.querySelector('header.top')).backgroundColor"))
                .isEqualTo("rgb(34, 42, 58)");
        // ... and the inline script ran (allowed by its hash): the filter is shown and works
        WebElement filter = driver.findElement(By.id("tl-filter"));
        assertThat(filter.isDisplayed()).isTrue();
        new Select(driver.findElement(By.id("f-level"))).selectByValue("alerts");
        assertThat(driver.findElement(By.id("f-count")).getText()).isEqualTo("2");
        new Select(driver.findElement(By.id("f-level"))).selectByValue("");
        driver.findElement(By.id("f-text")).sendKeys("nul");
        long shown = (Long) js.executeScript("return document.querySelectorAll('#tl-table tbody tr:not([hidden])').length");
        assertThat(shown).isEqualTo(Long.parseLong(driver.findElement(By.id("f-count")).getText())).isPositive()
                .isLessThan(43);
        driver.findElement(By.id("f-text")).clear();
        driver.findElement(By.id("f-text")).sendKeys("x");
        assertThat(js.executeScript("return typeof window.__pwned")).isEqualTo("undefined");
        assertThat(driver.getTitle()).isEqualTo("Phone check report");

        List<LogEntry> severe = driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue()).toList();
        assertThat(severe).as("browser console errors").isEmpty();

        screenshot(js, Path.of("target", "report-screenshot.png"));
    }

    /** A full-page screenshot: the window is made as tall as the page first. */
    private void screenshot(JavascriptExecutor js, Path file) throws Exception {
        js.executeScript("var t = document.getElementById('f-text'); t.value = ''; t.dispatchEvent(new Event('input'));");
        assertThat(driver.findElement(By.id("f-count")).getText()).isEqualTo("43");
        long height = (Long) js.executeScript("return document.documentElement.scrollHeight");
        driver.manage().window().setSize(new Dimension(1280, (int) Math.min(height + 100, 16_000)));
        Path shot = ((org.openqa.selenium.TakesScreenshot) driver).getScreenshotAs(OutputType.FILE).toPath();
        Files.createDirectories(file.getParent());
        Files.copy(shot, file, StandardCopyOption.REPLACE_EXISTING);
        assertThat(Files.size(file)).isPositive();
    }
}
