package org.rcnn4j.io.torch;

/**
 * A storage named by a pickle's persistent id: its key (the data file / record), element type, device location
 * and element count. {@code viewOffset} is the element offset of a legacy storage view into its root (0 otherwise).
 */
public record StorageRef(String key, StorageType type, String location, long numel, long viewOffset) {
}
