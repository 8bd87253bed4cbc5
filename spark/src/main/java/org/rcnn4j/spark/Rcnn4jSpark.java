package org.rcnn4j.spark;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.rcnn4j.coco.CocoAnnotation;

/**
 * rcnn4j's detectors over Spark DataFrames.
 *
 * <pre>{@code
 * Dataset<Row> images = Rcnn4jSpark.readImages(spark, "hdfs:///photos");          // binaryFile: path, content
 * Dataset<Row> found = Rcnn4jSpark.detect(images,
 *         DetectorSpec.of(Path.of("maskrcnn_resnet50_fpn_coco.pth")).withModel("maskrcnn_resnet50_fpn"));
 * found.write().parquet("hdfs:///photos-detections.parquet");                      // path, ..., detections, error
 * }</pre>
 *
 * <p>The weight file is shipped to each executor once; an executor loads it once, on the device its tasks are
 * given, and every task there uses that detector ({@link Rcnn4jSparkPlugin} releases it when the executor stops).
 */
public final class Rcnn4jSpark {
    /** The files binaryFile keeps in a directory: what Java's ImageIO decodes. */
    public static final String IMAGE_FILES = "*.{png,jpg,jpeg,bmp,gif,PNG,JPG,JPEG,BMP,GIF}";

    private Rcnn4jSpark() {
    }

    /**
     * Detects objects in every row's image. The input has a path column and, for Spark's {@code binaryFile}
     * source, the image's bytes ({@link DetectorSpec#contentColumn()}); without that column each executor reads
     * the path itself. The result has the input's columns (the bytes dropped), {@code detections} (see
     * {@link DetectionRows}) and {@code error}: null when the image was detected, else why it could not be (its
     * detections are then null), unless {@link DetectorSpec#failFast()}. Lazy, like any transformation: nothing
     * runs before an action.
     *
     * @throws IllegalArgumentException a missing or mistyped column, a weight file that is not there
     */
    public static Dataset<Row> detect(Dataset<Row> images, DetectorSpec spec) {
        if (images == null || spec == null) {
            throw new IllegalArgumentException((images == null ? "images" : "spec") + ": must not be null");
        }
        StructType in = images.schema();
        int path = DistributedEvaluation.indexOf(in, spec.pathColumn());
        if (path < 0) {
            throw new IllegalArgumentException("images: no column '" + spec.pathColumn() + "' (columns: "
                    + String.join(", ", in.fieldNames()) + "); name the column of paths with DetectorSpec.withColumns");
        }
        requireType(in, path, DataTypes.StringType);
        int content = DistributedEvaluation.indexOf(in, spec.contentColumn());
        if (content >= 0) {
            requireType(in, content, DataTypes.BinaryType);
        }
        for (String added : new String[] {DetectionRows.DETECTIONS, DetectionRows.ERROR}) {
            if (DistributedEvaluation.indexOf(in, added) >= 0) {
                throw new IllegalArgumentException("images: already has a column '" + added + "', which detect adds");
            }
        }
        List<StructField> outFields = new ArrayList<>();
        int[] kept = new int[in.size() - (content >= 0 ? 1 : 0)];
        int k = 0;
        for (int i = 0; i < in.size(); i++) {
            if (i != content) {
                kept[k++] = i;
                outFields.add(in.fields()[i]);
            }
        }
        outFields.add(DetectionRows.detectionsField());
        outFields.add(DetectionRows.errorField());
        StructType out = DataTypes.createStructType(outFields);

        SparkContext sc = images.sparkSession().sparkContext();
        ShippedFile weights = ShippedFile.shipUnchecked(sc, Path.of(spec.weights()));
        Broadcast<HadoopConf> hadoop = content >= 0 ? null
                : JavaSparkContext.fromSparkContext(sc).broadcast(new HadoopConf(sc.hadoopConfiguration()));
        return images.mapPartitions(new PartitionDetection(spec, weights, hadoop, path, content, kept),
                Encoders.row(out));
    }

    private static void requireType(StructType s, int i, DataType want) {
        DataType got = s.fields()[i].dataType();
        if (!got.equals(want)) {
            throw new IllegalArgumentException("images: column '" + s.fields()[i].name() + "' is "
                    + got.simpleString() + ", expected " + want.simpleString());
        }
    }

    /**
     * The images of a directory (and its subdirectories; files matching {@link #IMAGE_FILES}) or of a glob
     * ({@code /data/*}{@code /*.jpg}), through Spark's binaryFile source: path, modificationTime, length, content.
     */
    public static Dataset<Row> readImages(SparkSession spark, String dirOrGlob) {
        if (dirOrGlob == null || dirOrGlob.isBlank()) {
            throw new IllegalArgumentException("images: expected a directory or a glob");
        }
        DataFrameReader r = spark.read().format("binaryFile");
        if (!isGlob(dirOrGlob)) {
            r = r.option("recursiveFileLookup", "true").option("pathGlobFilter", IMAGE_FILES);
        }
        return r.load(dirOrGlob);
    }

    /**
     * The paths of {@link #readImages}'s images alone, spread over {@code partitions} partitions: the executors
     * then read each image themselves, and no image's bytes travel through a shuffle.
     */
    public static Dataset<Row> listImages(SparkSession spark, String dirOrGlob, int partitions) {
        if (partitions < 1) {
            throw new IllegalArgumentException("partitions: expected at least 1, got " + partitions);
        }
        return readImages(spark, dirOrGlob).select("path").repartition(partitions);
    }

    static boolean isGlob(String s) {
        return s.chars().anyMatch(c -> c == '*' || c == '?' || c == '[' || c == '{');
    }

    /**
     * COCO AP of a results table ({@link #detect}'s output: path, detections, error) against a COCO ground-truth
     * file, spread by image over the executors and combined on the driver: the numbers of {@code rcnn4j eval}.
     * Each row's image is the one whose file_name ends its path.
     *
     * @throws IllegalArgumentException a row that names no image of the ground truth, an image with two rows,
     *                                  labels without a category, masks on some detections only
     */
    public static SparkEvaluation evaluate(Dataset<Row> results, Path groundTruth, LabelMatching labels)
            throws IOException {
        return DistributedEvaluation.run(results, groundTruth, labels, "path");
    }

    /**
     * A results table as COCO results (what {@code rcnn4j detect} writes to detections.json): image_id the row's
     * 1-based position in path order, category_id the model's label; rows with an error are left out. Collected
     * on the driver: for a table that fits there.
     */
    public static List<CocoAnnotation> cocoResults(Dataset<Row> results) {
        List<Row> rows = results.select("path", DetectionRows.DETECTIONS, DetectionRows.ERROR)
                .orderBy(functions.col("path")).collectAsList();
        List<CocoAnnotation> out = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            if (r.isNullAt(2) && !r.isNullAt(1)) {
                out.addAll(DetectionRows.toAnnotations(i + 1L, r.getList(1), label -> label, out.size() + 1L));
            }
        }
        return out;
    }
}
