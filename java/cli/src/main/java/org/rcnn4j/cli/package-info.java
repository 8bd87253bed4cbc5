/**
 * The rcnn4j command ({@link org.rcnn4j.cli.Main}): demo, train, detect, eval, op, example and the other commands,
 * their option parsing, and the op catalog that {@code rcnn4j op} and {@code rcnn4j example} run. Internal to the
 * application: the module exports nothing.
 */
package org.rcnn4j.cli;
