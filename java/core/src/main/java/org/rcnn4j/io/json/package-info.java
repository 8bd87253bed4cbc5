/**
 * The small JSON reader and writer behind safetensors headers, COCO files and model files. Internal, not exported
 * (the CLI gets it by qualified export): rcnn4j does not offer a JSON API.
 */
package org.rcnn4j.io.json;
