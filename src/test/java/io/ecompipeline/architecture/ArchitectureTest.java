package io.ecompipeline.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import java.nio.file.Path;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The packages depend on each other without cycles, so each can be read, tested and changed from the bottom up: the
 * shared types ({@code common}, {@code model}) depend on no capability, the capabilities on the shared types and on
 * each other in one direction, and the composition root ({@code config}) and the command line ({@code cli}) on
 * everything, with nothing depending on them.
 */
@Tag("unit")
class ArchitectureTest {

    /**
     * The compiled main classes, read from their folder: importing the package from the class path would open every
     * jar of the test class path (the embedded servers' hundreds) to look for it.
     */
    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPath(Path.of("target/classes"));

    @Test
    void packagesAreFreeOfCycles() {
        slices().matching("io.ecompipeline.(**)").should().beFreeOfCycles().check(MAIN);
    }

    /** The beans are wired in one place: a capability gets what it needs passed in, it never reaches for the wiring. */
    @Test
    void nothingDependsOnTheCompositionRoot() {
        noClasses().that().resideOutsideOfPackage("io.ecompipeline.config..")
                .should().dependOnClassesThat().resideInAPackage("io.ecompipeline.config..")
                .check(MAIN);
    }
}
