/**
 * The demo's Fashion-MNIST subset (datasets/fashion-mnist-subset/, MIT): resources only. Their folder is not a
 * package name, so the module does not encapsulate them: {@code org.rcnn4j.data.FashionMnist} finds them through
 * its class loader, on the class path and on the module path alike.
 */
module org.rcnn4j.demodata {
}
