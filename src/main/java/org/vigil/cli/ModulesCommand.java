package org.vigil.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.vigil.core.Module;
import org.vigil.core.ModuleDescriptor;
import org.vigil.modules.ModuleRegistry;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

/** {@code vigil modules}: lists the built-in modules. */
@Command(name = "modules", mixinStandardHelpOptions = true,
        description = "List the built-in modules: slug, sources, artifacts, what each checks.")
final class ModulesCommand implements Callable<Integer> {
    @ParentCommand
    VigilCommand root;

    @Override
    public Integer call() {
        PrintWriter out = root.out();
        for (Module m : ModuleRegistry.all()) {
            ModuleDescriptor d = m.descriptor();
            out.printf("%-28s %s (%s)%n", d.slug(), d.summary(), d.sourceKinds().stream()
                    .map(k -> k.label()).sorted().collect(Collectors.joining(", ")));
            for (String a : d.artifacts()) {
                out.printf("%-28s   reads %s%n", "", a);
            }
            if (!d.dependencies().isEmpty()) {
                out.printf("%-28s   needs %s%n", "", String.join(", ", d.dependencies()));
            }
        }
        out.flush();
        return ExitCodes.OK;
    }
}
