using NetGen;

namespace NetGenApp;

/// <summary>
/// A small classifier: 4 standardized features → 16 hidden units → 3 class probabilities. The NetGen source generator
/// writes its forward pass, backpropagation, Adam optimizer and Save/Load at build time; a mistake in these attributes
/// (sizes that do not chain, say) is a compile error. Change the sizes to fit your CSV: the first Dense layer's input is
/// the number of feature columns, the last one's output the number of classes.
/// </summary>
[Network(Optimizer = Optimizer.Adam)]
[Dense(4, 16)][Relu]
[Dense(16, 3)][Softmax]
public partial class Classifier { }
