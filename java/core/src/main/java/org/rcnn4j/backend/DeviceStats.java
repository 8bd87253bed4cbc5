package org.rcnn4j.backend;

/**
 * What a backend's traffic with the host has cost so far: host synchronizations (each time the host waited for
 * the device: a device-to-host copy, an explicit synchronize, a blocking read) and bytes copied each way. All
 * zero on the CPU backend. Counters are process-wide per device: take {@link #minus} of two readings around the
 * work to measure.
 */
public record DeviceStats(long syncs, long toHostBytes, long toDeviceBytes) {
    public static final DeviceStats ZERO = new DeviceStats(0, 0, 0);

    /** This reading less an earlier one. */
    public DeviceStats minus(DeviceStats earlier) {
        return new DeviceStats(syncs - earlier.syncs, toHostBytes - earlier.toHostBytes,
                toDeviceBytes - earlier.toDeviceBytes);
    }

    /** "syncs=N to_host_bytes=B to_device_bytes=C", as detect --stats and the training log print it. */
    public String format() {
        return "syncs=" + syncs + " to_host_bytes=" + toHostBytes + " to_device_bytes=" + toDeviceBytes;
    }
}
