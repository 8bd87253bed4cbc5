/** The consumer example: a module that reads rcnn4j's. */
module org.rcnn4j.examples.consumer {
    requires org.rcnn4j;
}
