/**
 * Files: {@link org.rcnn4j.io.Safetensors} reads and writes tensors in the safetensors format, and {@link
 * org.rcnn4j.io.AtomicFiles} writes a file so that readers see the old content or the new one, never a part.
 */
package org.rcnn4j.io;
