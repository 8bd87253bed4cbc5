/**
 * The paste-masks JMH benchmark that predates {@code org.rcnn4j.bench}.
 */
package org.rcnn4j.benchmarks;
