/**
 * Where every numeric kernel runs. A {@link org.rcnn4j.backend.Backend} ("cpu", "cuda" or "cuda-emu", from {@link
 * org.rcnn4j.backend.Backends}) moves tensors to and from its device and groups its ops by family: {@code boxes()}
 * (NMS, IoU, box coding, anchors), {@code roi()} (RoIAlign, RoIPool, paste masks, whole or in the windows {@link
 * org.rcnn4j.backend.PasteWindows} gives), {@code conv()}, {@code channels()} and {@code linalg()}. The argument
 * records and checks here are shared by every backend, so both reject the same bad input with the same message.
 */
package org.rcnn4j.backend;
