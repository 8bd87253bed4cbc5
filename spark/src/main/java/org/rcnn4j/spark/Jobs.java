package org.rcnn4j.spark;

import java.io.PrintStream;
import java.util.function.Function;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/** What the jobs' main methods share: the session (with the plugin), exit codes, one-line errors. */
final class Jobs {
    static final int OK = 0;
    static final int FAILED = 1;
    static final int USAGE = 2;

    private Jobs() {
    }

    /** The session spark-submit configured, with {@link Rcnn4jSparkPlugin} added to spark.plugins. */
    static SparkSession session(String appName) {
        String plugins = new SparkConf().get("spark.plugins", "");
        return SparkSession.builder().appName(appName).config("spark.plugins", Rcnn4jSparkPlugin.addTo(plugins))
                .getOrCreate();
    }

    /** Runs a job and exits with its code; the session stops first, which releases the executors' detectors. */
    static void main(String appName, Function<SparkSession, Integer> job) {
        int code;
        SparkSession spark = session(appName);
        try {
            code = job.apply(spark);
        } finally {
            spark.stop();
        }
        System.out.flush();
        System.err.flush();
        System.exit(code);
    }

    /** A job's failure as one line; the stack trace only for what is not the user's input. */
    static int report(String job, Exception e, PrintStream err) {
        if (e instanceof JobArgs.UsageException || e instanceof IllegalArgumentException) {
            err.println("rcnn4j-spark: error: " + e.getMessage());
            return USAGE;
        }
        if (e instanceof org.apache.spark.sql.AnalysisException a) { // a missing path or column of the input
            err.println("rcnn4j-spark: error: " + job + ": " + a.getSimpleMessage());
            return USAGE;
        }
        err.println("rcnn4j-spark: error: " + job + " failed: " + e);
        e.printStackTrace(err);
        return FAILED;
    }
}
