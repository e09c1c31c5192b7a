using NetGen;

namespace NetGenApp;

/// <summary>
/// A small convolutional classifier for 28 × 28 grey images in 10 classes: 8 filters of 5 × 5 (padded, so 8 × 28 × 28),
/// ReLU, 2 × 2 max pooling (8 × 14 × 14 = 1568 values), then one Dense layer to the 10 class probabilities. The NetGen
/// source generator writes its forward pass, backpropagation, Adam optimizer and Save/Load at build time; sizes that do
/// not chain are a compile error. For more accuracy, add a second convolution or a hidden Dense layer.
/// </summary>
[Network(Optimizer = Optimizer.Adam)]
[Input(1, 28, 28)]
[Conv2D(1, 8, 5, Padding = 2)][Relu][MaxPool2D(2)]
[Flatten]
[Dense(1568, 10)][Softmax]
public partial class ImageClassifier { }
