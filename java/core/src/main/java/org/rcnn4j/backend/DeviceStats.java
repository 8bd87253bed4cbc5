package org.rcnn4j.backend;

/**
 * What a backend's traffic with the host has cost so far: host synchronizations (each time the host waited for
 * the device: a device-to-host copy, an explicit synchronize, a blocking read) and bytes copied each way, which
 * are process-wide per device: take {@link #minus} of two readings around the work to measure. And the backend's
 * own device memory: its tensors still open ({@code liveTensors}, {@code liveBytes}: what {@link Backend#close()}
 * would free) and those garbage-collected without being closed, which a safety net freed ({@code leakedTensors},
 * {@code leakedBytes}, since the backend opened); bytes are those of the allocator's blocks (requests rounded up
 * to its size classes on a GPU, exact on cuda-emu). All zero on the CPU backend, whose tensors are Java arrays.
 */
public record DeviceStats(long syncs, long toHostBytes, long toDeviceBytes, long liveTensors, long liveBytes,
        long leakedTensors, long leakedBytes) {
    public static final DeviceStats ZERO = new DeviceStats(0, 0, 0);

    /** Traffic only, no device memory. */
    public DeviceStats(long syncs, long toHostBytes, long toDeviceBytes) {
        this(syncs, toHostBytes, toDeviceBytes, 0, 0, 0, 0);
    }

    /** This reading less an earlier one (for the memory levels: their change). */
    public DeviceStats minus(DeviceStats earlier) {
        return new DeviceStats(syncs - earlier.syncs, toHostBytes - earlier.toHostBytes,
                toDeviceBytes - earlier.toDeviceBytes, liveTensors - earlier.liveTensors,
                liveBytes - earlier.liveBytes, leakedTensors - earlier.leakedTensors,
                leakedBytes - earlier.leakedBytes);
    }

    /** "syncs=N to_host_bytes=B to_device_bytes=C", as detect --stats and the training log print it. */
    public String format() {
        return "syncs=" + syncs + " to_host_bytes=" + toHostBytes + " to_device_bytes=" + toDeviceBytes;
    }

    /** "live_tensors=N live_bytes=B leaked_tensors=L leaked_bytes=M". */
    public String formatMemory() {
        return "live_tensors=" + liveTensors + " live_bytes=" + liveBytes + " leaked_tensors=" + leakedTensors
                + " leaked_bytes=" + leakedBytes;
    }
}
