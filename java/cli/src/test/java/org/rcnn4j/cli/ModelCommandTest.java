package org.rcnn4j.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ModelCommandTest {

    /** torchvision's keys and shapes (the fixture's first two columns), in order, then the totals. */
    @Test
    void printsTorchvisionsLayoutAndTotals() throws Exception {
        Cli.Result r = Cli.run("model", "maskrcnn_resnet50_fpn").assertOk();
        List<String> lines = Arrays.asList(r.out().split("\n"));
        List<String> keys = lines.stream().filter(l -> !l.startsWith("#")).toList();
        assertEquals(fixture("maskrcnn_resnet50_fpn_frozen"), keys);
        assertEquals("backbone.body.conv1.weight 64,3,7,7", keys.get(0));
        // 95 parameter and 212 buffer tensors: the fixture's P/F and B lines
        List<String> totals = lines.stream().filter(l -> l.startsWith("#")).toList();
        assertEquals(List.of(
                "# parameters: 44401393 elements in 95 tensors (44178993 trainable)",
                "# buffers: 106240 elements in 212 tensors",
                "# total: 307 tensors, 44507633 elements, 178030532 bytes as float32"), totals);
        assertTrue(r.err().isEmpty(), r.err());
    }

    @Test
    void optionsSelectTheVariant() throws Exception {
        Cli.Result batch = Cli.run("model", "fasterrcnn_resnet50_fpn", "--norm", "batch", "--num-classes=2")
                .assertOk();
        assertEquals(fixture("fasterrcnn_resnet50_fpn_2classes"),
                Arrays.stream(batch.out().split("\n")).filter(l -> !l.startsWith("#")).toList());
        assertTrue(batch.out().contains("backbone.body.bn1.num_batches_tracked -\n"), "scalar shape shown as -");
        Cli.Result vgg = Cli.run("model", "vgg16").assertOk();
        assertTrue(vgg.out().contains("# parameters: 138357544 elements in 32 tensors (138357544 trainable)"),
                vgg.out());
    }

    @Test
    void helpListsTheModels() {
        Cli.Result r = Cli.run("model", "--help").assertOk();
        for (String n : new String[] {"fasterrcnn_resnet50_fpn", "maskrcnn_resnet50_fpn", "vgg16", "--num-classes",
                "--norm"}) {
            assertTrue(r.out().contains(n), n);
        }
        assertTrue(Cli.run("--help").assertOk().out().contains("model NAME"));
    }

    @Test
    void badUsageIsOneLineAndExitCode2() {
        Cli.run("model", "resnet18").assertUsageError("unknown model 'resnet18'", "maskrcnn_resnet50_fpn");
        Cli.run("model").assertUsageError("missing the model name");
        Cli.run("model", "vgg16", "--norm", "batch").assertUsageError("vgg16");
        Cli.run("model", "maskrcnn_resnet50_fpn", "--norm", "group").assertUsageError("frozen or batch");
        Cli.run("model", "maskrcnn_resnet50_fpn", "--num-classes", "0").assertUsageError("--num-classes");
        Cli.run("model", "maskrcnn_resnet50_fpn", "--num-classes", "x").assertUsageError("integer");
        Cli.run("model", "maskrcnn_resnet50_fpn", "--num-classes").assertUsageError("needs a value");
        Cli.run("model", "maskrcnn_resnet50_fpn", "--trainable-backbone-layers", "6").assertUsageError("[0, 5]");
        Cli.run("model", "maskrcnn_resnet50_fpn", "--frobnicate").assertUsageError("unknown option");
        Cli.run("model", "vgg16", "vgg16").assertUsageError("unexpected argument");
    }

    private static List<String> fixture(String name) throws Exception {
        try (InputStream in = ModelCommandTest.class.getResourceAsStream("/fixtures/model_keys/" + name + ".txt")) {
            return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)).lines()
                    .filter(l -> !l.startsWith("#") && !l.isBlank())
                    .map(l -> l.substring(0, l.lastIndexOf(' ')))
                    .collect(Collectors.toList());
        }
    }
}
