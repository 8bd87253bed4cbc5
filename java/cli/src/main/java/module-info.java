/**
 * The rcnn4j command ({@code org.rcnn4j.cli.Main}): every command, the demo's training recipes, and the pictures
 * and plots it draws. An application, not a library: it exports nothing. The ./rcnn4j launcher runs it from a
 * shaded jar on the class path; on the module path, {@code java -p ... -m org.rcnn4j.cli/org.rcnn4j.cli.Main}.
 */
module org.rcnn4j.cli {
    requires org.rcnn4j;
    // the demo's dataset, read through the class loader by org.rcnn4j.data.FashionMnist
    requires org.rcnn4j.demodata;
}
