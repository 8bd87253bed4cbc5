package org.rcnn4j.io.torch;

/**
 * A tensor as the pickle describes it, before its storage's bytes are read: a strided view (element offset,
 * sizes, strides) of a storage.
 */
public record TensorRef(StorageRef storage, long offset, long[] size, long[] stride) {
}
