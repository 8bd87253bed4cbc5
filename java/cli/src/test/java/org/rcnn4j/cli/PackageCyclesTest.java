package org.rcnn4j.cli;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URISyntaxException;
import java.util.LinkedHashSet;
import java.util.Set;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.Location;
import com.tngtech.archunit.library.dependencies.SliceRule;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.rcnn4j.cuda.CudaDevice;
import org.rcnn4j.cyclefixture.a.UsesB;
import org.rcnn4j.cyclefixture.b.UsesA;
import org.rcnn4j.tensor.Tensor;

/**
 * No cycle between org.rcnn4j's packages: the compiled main classes of the bindings, the library and the CLI
 * (whichever jar or folder each was loaded from), one slice per package. A cycle makes two packages one unit that
 * neither can be read, tested or moved without the other.
 */
class PackageCyclesTest {

    private static JavaClasses main;

    @BeforeAll
    static void importMainClasses() {
        Set<Location> locations = new LinkedHashSet<>();
        for (Class<?> c : new Class<?>[] {CudaDevice.class, Tensor.class, Main.class}) {
            locations.add(locationOf(c));
        }
        main = new ClassFileImporter().importLocations(locations);
    }

    private static Location locationOf(Class<?> c) {
        try {
            return Location.of(c.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException("cannot locate the classes of " + c.getName(), e);
        }
    }

    private static SliceRule noCycles() {
        return slices().matching("org.rcnn4j.(**)").namingSlices("$1").should().beFreeOfCycles();
    }

    @Test
    void importedEveryModule() {
        for (String pkg : new String[] {"org.rcnn4j.cuda", "org.rcnn4j.tensor", "org.rcnn4j.detection",
                "org.rcnn4j.cli"}) {
            assertTrue(main.containPackage(pkg), "classes of " + pkg + " were not imported");
        }
        assertFalse(main.containPackage("org.rcnn4j.cyclefixture.a"), "test classes were imported");
    }

    @Test
    void packagesAreFreeOfCycles() {
        noCycles().check(main);
    }

    @Test
    void aCycleIsReported() {
        JavaClasses fixture = new ClassFileImporter().importClasses(UsesB.class, UsesA.class);
        AssertionError e = assertThrows(AssertionError.class, () -> noCycles().check(fixture));
        assertTrue(e.getMessage().contains("cyclefixture.a") && e.getMessage().contains("cyclefixture.b"),
                e.getMessage());
    }
}
