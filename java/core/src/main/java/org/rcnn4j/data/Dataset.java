package org.rcnn4j.data;

/** A fixed-size, random-access collection of samples. get must be safe to call from several threads at once. */
public interface Dataset {
    int size();

    /** The sample at index i, 0 <= i < size(). */
    Sample get(int i);
}
