package org.vigil.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.vigil.core.model.Level;
import org.vigil.core.model.ModuleOutcome;
import org.vigil.core.model.ModuleStatus;
import org.vigil.ioc.Indicators;
import org.vigil.source.SourceKind;
import org.vigil.testing.FakeSource;

class ModuleRunnerTest {

    private static LambdaModule ok(String slug, String... deps) {
        return new LambdaModule(slug, List.of(deps), (d, c) -> ModuleResult.builder(d).record(slug).build());
    }

    private static List<String> slugs(List<Module> modules) {
        return modules.stream().map(m -> m.descriptor().slug()).toList();
    }

    @Test
    void stableTopologicalOrderKeepsListOrderWhereFree() throws Exception {
        // MVT's test: [Third(dep Second), Independent, Second(dep First), First] => Independent, First, Second, Third
        List<Module> modules = List.of(ok("third", "second"), ok("independent"), ok("second", "first"), ok("first"));
        assertThat(slugs(ModuleRunner.order(modules, List.of())))
                .containsExactly("independent", "first", "second", "third");
    }

    @Test
    void selectionPullsInTransitiveDependencies() throws Exception {
        List<Module> modules = List.of(ok("third", "second"), ok("independent"), ok("second", "first"), ok("first"));
        assertThat(slugs(ModuleRunner.order(modules, List.of("third")))).containsExactly("first", "second", "third");
    }

    @Test
    void cycleAndMissingDependencyAndUnknownSelectionAreErrors() {
        assertThatThrownBy(() -> ModuleRunner.order(List.of(ok("a", "b"), ok("b", "a")), List.of()))
                .isInstanceOf(VigilException.class).hasMessageContaining("cycle");
        assertThatThrownBy(() -> ModuleRunner.order(List.of(ok("a", "zzz")), List.of()))
                .isInstanceOf(VigilException.class).hasMessageContaining("missing module zzz");
        assertThatThrownBy(() -> ModuleRunner.order(List.of(ok("a")), List.of("nope")))
                .isInstanceOf(VigilException.class).hasMessageContaining("Unknown module \"nope\"");
    }

    @Test
    void failuresBecomeStatusesAndTheRunGoesOn() {
        List<Module> modules = List.of(
                new LambdaModule("missing", List.of(), (d, c) -> {
                    throw new ArtifactNotFoundException("sms.db not in backup");
                }),
                new LambdaModule("corrupt", List.of(), (d, c) -> {
                    throw new CorruptArtifactException("x.db: not an SQLite database");
                }),
                new LambdaModule("schema", List.of(), (d, c) -> {
                    throw new UnsupportedSchemaException("x.db: no table message");
                }),
                new LambdaModule("bug", List.of(), (d, c) -> {
                    throw new IllegalStateException("boom");
                }),
                new LambdaModule("io", List.of(), (d, c) -> {
                    throw new java.io.IOException("sms.db: cannot decrypt",
                            new CorruptArtifactException("sms.db: ciphertext shorter than its size"));
                }),
                new LambdaModule("good", List.of(), (d, c) -> ModuleResult.builder(d).record("r")
                        .alert(Level.LOW, "weak", "2020-01-01 00:00:00.000000", "r")
                        .timeline("2020-01-01 00:00:00.000000", "e", "x")
                        .timeline("2020-01-01 00:00:00.000000", "e", "x")
                        .build()));
        List<String> started = new ArrayList<>();
        ModuleRunner runner = new ModuleRunner(new FakeSource(SourceKind.IOS_BACKUP, Path.of(".")),
                Indicators.empty(), ModuleOptions.defaults(), Clock.systemUTC(), new ModuleRunner.Listener() {
                    @Override
                    public void started(ModuleDescriptor descriptor, int index, int total) {
                        started.add(index + "/" + total + " " + descriptor.slug());
                    }
                });
        List<ModuleOutcome> out = runner.run(modules);
        assertThat(out).extracting(ModuleOutcome::status).containsExactly(ModuleStatus.NOT_PRESENT,
                ModuleStatus.UNREADABLE, ModuleStatus.UNREADABLE, ModuleStatus.FAILED, ModuleStatus.UNREADABLE,
                ModuleStatus.CHECKED);
        assertThat(out.get(4).reason()).isEqualTo("sms.db: ciphertext shorter than its size");
        assertThat(out.get(0).reason()).isEqualTo("sms.db not in backup");
        assertThat(out.get(2).reason()).isEqualTo("x.db: no table message");
        assertThat(out.get(3).reason()).isEqualTo("IllegalStateException: boom");
        ModuleOutcome good = out.get(5);
        assertThat(good.recordCount()).isEqualTo(1);
        assertThat(good.alerts()).singleElement().satisfies(a -> {
            assertThat(a.module()).isEqualTo("good");
            assertThat(a.level()).isEqualTo(Level.LOW);
        });
        assertThat(good.timeline()).hasSize(1); // duplicates dropped
        assertThat(good.timeline().get(0).plugin()).isEqualTo("P_good");
        assertThat(started).containsExactly("1/6 missing", "2/6 corrupt", "3/6 schema", "4/6 bug", "5/6 io", "6/6 good");
    }

    @Test
    void dependenciesReceiveOutcomesOfTheirDependencies() throws Exception {
        List<String> seen = new ArrayList<>();
        List<Module> modules = List.of(
                new LambdaModule("consumer", List.of("producer"), (d, c) -> {
                    seen.add(String.valueOf(c.dependency("producer").map(ModuleOutcome::recordCount).orElse(-1L)));
                    return ModuleResult.builder(d).build();
                }),
                ok("producer"));
        ModuleRunner runner = new ModuleRunner(new FakeSource(SourceKind.IOS_BACKUP, Path.of(".")),
                Indicators.empty(), null, null, null);
        runner.run(ModuleRunner.order(modules, List.of()));
        assertThat(seen).containsExactly("1");
    }

    @Test
    void eachModuleIsAProgressStepAdvancedByItsRecords() {
        LambdaModule three = new LambdaModule("three", List.of(), (d, c) -> {
            c.progress().total(3);
            return c.newResult(d).record("a").record("b").record("c").build();
        });
        LambdaModule broken = new LambdaModule("broken", List.of(), (d, c) -> {
            c.newResult(d).record("a");
            throw new IllegalStateException("bug");
        });
        org.vigil.testing.RecordingProgress progress = new org.vigil.testing.RecordingProgress();
        ModuleRunner runner = new ModuleRunner(new FakeSource(SourceKind.IOS_BACKUP, Path.of(".")),
                Indicators.empty(), ModuleOptions.defaults(), Clock.systemUTC(), null, null, progress);
        runner.run(List.of(three, broken));
        assertThat(progress.steps()).extracting(s -> s.label).containsExactly("three", "broken");
        assertThat(progress.steps().get(0).total()).isEqualTo(3);
        assertThat(progress.steps().get(0).done()).isEqualTo(3);
        assertThat(progress.steps().get(1).done()).isEqualTo(1);
        assertThat(progress.steps()).allMatch(org.vigil.testing.RecordingProgress.Recorded::closed);
    }
}
