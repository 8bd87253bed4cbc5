package org.rcnn4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.rcnn4j.tensor.Tensor;

class ExampleCommandTest {

    @Test
    void bundledCasesCoverEveryOpAndPassTheChecks() {
        List<ExampleCommand.Case> cases = ExampleCommand.cases();
        Set<String> covered = new HashSet<>();
        for (ExampleCommand.Case c : cases) {
            OpSpec spec = Ops.get(c.op());
            assertNotNull(spec, c.name() + ": op " + c.op());
            covered.add(c.op());
            Params params = Params.parse(spec, c.sets());
            Map<String, Tensor> inputs = c.inputs() == null ? Map.of() : ExampleCommand.load(c.inputs());
            OpRunner.check(spec, inputs, params);
            Map<String, Tensor> expected = ExampleCommand.load(c.expected());
            assertTrue(!expected.isEmpty(), c.name());
            for (String name : expected.keySet()) {
                assertTrue(Ops.outputNames(spec).contains(name), c.name() + ": " + name + " is an output of " + c.op());
            }
        }
        for (OpSpec s : Ops.all()) {
            assertTrue(covered.contains(s.name()), "an example case runs " + s.name());
        }
    }

    @Test
    void everyExampleAgreesWithTorchvisionOnTheCpu() {
        Cli.Result r = Cli.run("example", "--device", "cpu");
        assertEquals(0, r.code(), () -> r.out() + r.err());
        assertTrue(r.out().contains("cases agree with torchvision on cpu"), r.out());
    }

    @Test
    void exampleRejectsUnknownArguments() {
        Cli.run("example", "--fast").assertUsageError("unexpected argument '--fast'");
        Cli.run("example", "--device", "gpu").assertUsageError("unknown device 'gpu'");
    }
}
