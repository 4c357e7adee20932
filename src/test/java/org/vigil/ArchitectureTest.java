package org.vigil;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The package rules of ARCHITECTURE.md. */
class ArchitectureTest {
    private static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("org.vigil");
    }

    @Test
    void coreKnowsNoConcreteModuleSourceOrOutput() {
        noClasses().that().resideInAnyPackage("org.vigil.core..")
                .should().dependOnClassesThat().resideInAnyPackage("org.vigil.cli..", "org.vigil.report..",
                        "org.vigil.modules..", "org.vigil.source.*..", "org.vigil.demo..")
                .check(classes);
    }

    @Test
    void modelDependsOnNothingElseOfVigil() {
        noClasses().that().resideInAPackage("org.vigil.core.model")
                .should().dependOnClassesThat().resideInAnyPackage("org.vigil.core", "org.vigil.cli..",
                        "org.vigil.ioc..", "org.vigil.source..", "org.vigil.io..", "org.vigil.modules..",
                        "org.vigil.report..", "org.vigil.demo..")
                .check(classes);
    }

    @Test
    void modulesNeverWriteReportsOrTalkToTheUser() {
        noClasses().that().resideInAPackage("org.vigil.modules..")
                .should().dependOnClassesThat().resideInAnyPackage("org.vigil.cli..", "org.vigil.report..")
                .check(classes);
        noClasses().that().resideInAPackage("org.vigil.modules..")
                .should().callMethod(java.nio.file.Files.class, "write", java.nio.file.Path.class, byte[].class,
                        java.nio.file.OpenOption[].class)
                .orShould().callConstructor(java.io.FileOutputStream.class, java.io.File.class)
                .orShould().callConstructor(java.io.FileOutputStream.class, String.class)
                .check(classes);
    }

    @Test
    void onlyTheCliPrints() {
        noClasses().that().resideOutsideOfPackage("org.vigil.cli..")
                .should().accessField(System.class, "out")
                .orShould().accessField(System.class, "err")
                .orShould().callMethod(Throwable.class, "printStackTrace")
                .check(classes);
    }

    @Test
    void reportReadsOnlyTheModel() {
        noClasses().that().resideInAPackage("org.vigil.report..")
                .should().dependOnClassesThat().resideInAnyPackage("org.vigil.core", "org.vigil.cli..",
                        "org.vigil.modules..", "org.vigil.source..", "org.vigil.ioc..", "org.vigil.demo..")
                .check(classes);
    }

    @Test
    void librariesDoNotDependOnTheCli() {
        noClasses().that().resideOutsideOfPackage("org.vigil.cli..")
                .should().dependOnClassesThat().resideInAPackage("org.vigil.cli..")
                .check(classes);
    }
}
