package org.rcnn4j.spark;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.rcnn4j.detector.Detection;
import org.rcnn4j.detector.Detector;
import org.rcnn4j.tensor.Tensor;

/**
 * Detects the images of one partition, a batch at a time: each row comes out with its columns (the image bytes
 * dropped), its detections and an error (null when it was detected). Rows leave in the order they came.
 */
final class PartitionDetection implements MapPartitionsFunction<Row, Row> {
    private static final long serialVersionUID = 1L;
    private final DetectorSpec spec;
    private final ShippedFile weights;
    private final Broadcast<HadoopConf> hadoop;
    private final int pathIndex;
    /** -1: the executors read each path. */
    private final int contentIndex;
    /** The input columns the output keeps, in order. */
    private final int[] kept;

    PartitionDetection(DetectorSpec spec, ShippedFile weights, Broadcast<HadoopConf> hadoop, int pathIndex,
            int contentIndex, int[] kept) {
        this.spec = spec;
        this.weights = weights;
        this.hadoop = hadoop;
        this.pathIndex = pathIndex;
        this.contentIndex = contentIndex;
        this.kept = kept;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
        return new Batches(rows);
    }

    /** Pulls a batch when the previous one is used up, so a partition is never held whole. */
    private final class Batches implements Iterator<Row> {
        private final Iterator<Row> in;
        private final ArrayDeque<Row> ready = new ArrayDeque<>();
        private Detector detector;

        Batches(Iterator<Row> in) {
            this.in = in;
        }

        @Override
        public boolean hasNext() {
            while (ready.isEmpty() && in.hasNext()) {
                nextBatch();
            }
            return !ready.isEmpty();
        }

        @Override
        public Row next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            return ready.poll();
        }

        private void nextBatch() {
            List<Row> batch = new ArrayList<>(spec.batchSize());
            while (batch.size() < spec.batchSize() && in.hasNext()) {
                batch.add(in.next());
            }
            Object[] detections = new Object[batch.size()];
            String[] errors = new String[batch.size()];
            // images of one size go through the network together: a batch of mixed sizes would pad the smaller
            // ones, and their detections would differ from what each gets alone
            Map<List<Integer>, List<Integer>> bySize = new LinkedHashMap<>();
            List<Tensor> images = new ArrayList<>(batch.size());
            for (int i = 0; i < batch.size(); i++) {
                Tensor t = null;
                try {
                    t = ImageBytes.decode(bytes(batch.get(i)));
                } catch (IOException e) {
                    String path = batch.get(i).isNullAt(pathIndex) ? null : batch.get(i).getString(pathIndex);
                    if (spec.failFast()) {
                        throw new ImageFailedException(path + ": " + e.getMessage(), e);
                    }
                    errors[i] = e.getMessage();
                }
                images.add(t);
                if (t != null) {
                    bySize.computeIfAbsent(List.of(t.size(1), t.size(2)), k -> new ArrayList<>()).add(i);
                }
            }
            for (List<Integer> group : bySize.values()) {
                List<Tensor> same = new ArrayList<>(group.size());
                for (int i : group) {
                    same.add(images.get(i));
                }
                List<List<Detection>> found = detector().detectAll(same);
                for (int j = 0; j < group.size(); j++) {
                    detections[group.get(j)] = DetectionRows.toRows(found.get(j));
                }
            }
            for (int i = 0; i < batch.size(); i++) {
                Row r = batch.get(i);
                Object[] values = new Object[kept.length + 2];
                for (int c = 0; c < kept.length; c++) {
                    values[c] = r.get(kept[c]);
                }
                values[kept.length] = detections[i];
                values[kept.length + 1] = errors[i];
                ready.add(RowFactory.create(values));
            }
        }

        private byte[] bytes(Row r) throws IOException {
            if (r.isNullAt(pathIndex)) {
                throw new IOException("no path (the path column is null)");
            }
            if (contentIndex >= 0) {
                if (r.isNullAt(contentIndex)) {
                    throw new IOException("no content (the content column is null)");
                }
                return (byte[]) r.get(contentIndex);
            }
            try {
                return ImageBytes.read(r.getString(pathIndex), hadoop.value().get());
            } catch (IOException e) {
                throw new IOException("cannot read the file (" + e + ")", e);
            }
        }

        /** The executor's detector, on the device this task was given; loaded by the first task that needs it. */
        private Detector detector() {
            if (detector == null) {
                String device = TaskDevice.forCurrentTask(spec.device());
                try {
                    detector = ExecutorDetectors.get(weights, spec.options(device));
                } catch (IOException e) {
                    // not the image's fault: the task fails, and Spark retries it (elsewhere)
                    throw new java.io.UncheckedIOException("cannot load the detector from " + weights.name() + ": "
                            + e.getMessage(), e);
                }
            }
            return detector;
        }
    }

    /** An image that could not be read or decoded, with {@link DetectorSpec#failFast()}: the task fails. */
    static final class ImageFailedException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ImageFailedException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
