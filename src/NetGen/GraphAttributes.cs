using System;

namespace NetGen
{
    /// <summary>
    /// Marks a class as a block: a list of layer and activation attributes, read in source order as a network's are, that a
    /// <see cref="ResidualAttribute"/> uses. A block has no <c>[Network]</c>, <c>[Input]</c> or head and gets no generated
    /// members; each use of it in a network has parameters of its own. The class need not be partial.
    /// </summary>
    /// <example>
    /// <code>
    /// [Block]
    /// [Conv2D(16, 16, 3, Padding = 1)][BatchNorm2D(16)][Relu]
    /// [Conv2D(16, 16, 3, Padding = 1)][BatchNorm2D(16)]
    /// public sealed class BasicBlock { }
    /// </code>
    /// </example>
    [AttributeUsage(AttributeTargets.Class, Inherited = false, AllowMultiple = false)]
    public sealed class BlockAttribute : Attribute
    {
    }

    /// <summary>
    /// A residual connection (He et al., 2016): y = x + B(x), with B the layers of the block class <c>block</c>; with
    /// <see cref="Shortcut"/>, y = S(x) + B(x), for a block that changes the shape (a 1×1 [Conv2D] with a stride and a
    /// [BatchNorm2D], say). An activation written after it applies to the sum. In PyTorch's numbering it is one module
    /// with the children <c>body</c> (an nn.Sequential of the block's modules) and, with a shortcut, <c>shortcut</c>:
    /// the second Conv2D of a block used at index 3 is <c>3.body.3.weight</c>.
    /// </summary>
    [AttributeUsage(AttributeTargets.Class, Inherited = false, AllowMultiple = true)]
    public sealed class ResidualAttribute : Attribute
    {
        /// <summary>y = x + B(x), B the layers of <paramref name="block"/> (a class marked <see cref="BlockAttribute"/>).</summary>
        public ResidualAttribute(Type block)
        {
            Block = block;
        }

        /// <summary>The block whose output is added to the input (or to the shortcut's output).</summary>
        public Type Block { get; }

        /// <summary>A block computing what the residual adds instead of the input itself, when the block changes its shape (default: none, the identity).</summary>
        public Type? Shortcut { get; set; }
    }
}
