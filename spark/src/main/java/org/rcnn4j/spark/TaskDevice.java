package org.rcnn4j.spark;

import java.util.Map;
import org.apache.spark.TaskContext;
import org.apache.spark.resource.ResourceInformation;

/**
 * The device a task runs its detector on: the GPU Spark's resource scheduling assigned to the task
 * ({@code spark.task.resource.gpu.amount}, the address in {@link TaskContext#resources()}) when the spec asks for
 * {@code auto} or {@code cuda}, the CPU for {@code auto} without one; any other device as the spec names it.
 */
final class TaskDevice {
    /** The resource name Spark's GPU scheduling uses. */
    static final String GPU = "gpu";

    private TaskDevice() {
    }

    /** The device for the current task ({@code TaskContext.get()}, null outside a task). */
    static String forCurrentTask(String requested) {
        TaskContext ctx = TaskContext.get();
        Map<String, ResourceInformation> resources = ctx == null ? Map.of() : ctx.resourcesJMap();
        ResourceInformation gpu = resources.get(GPU);
        return choose(requested, gpu == null ? null : gpu.addresses());
    }

    /**
     * @param requested    auto, cpu, cuda, cuda:N or cuda-emu
     * @param gpuAddresses the task's GPU addresses, or null when it was given none
     */
    static String choose(String requested, String[] gpuAddresses) {
        String r = requested.trim().toLowerCase(java.util.Locale.ROOT);
        boolean hasGpu = gpuAddresses != null && gpuAddresses.length > 0;
        if (!r.equals("auto") && !r.equals("cuda")) {
            return r;
        }
        if (!hasGpu) {
            return r.equals("auto") ? "cpu" : "cuda";
        }
        String address = gpuAddresses[0].trim();
        if (address.isEmpty() || !address.chars().allMatch(Character::isDigit)) {
            throw new IllegalArgumentException("gpu address: Spark gave this task GPU '" + gpuAddresses[0]
                    + "', expected a device number (the discovery script's addresses must be CUDA ordinals)");
        }
        return "cuda:" + address;
    }
}
