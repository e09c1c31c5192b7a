namespace NetGen.Generator.Model
{
    /// <summary>
    /// One layer of a network as declared: a plain, equatable record per kind (no Roslyn types), so the incremental
    /// pipeline compares models by value. The emitter maps each kind to its <c>Emitting.Layers.Layer</c>.
    /// </summary>
    internal abstract record LayerModel
    {
        /// <summary>The attribute's name as written, e.g. "Dense" or "Lstm", for diagnostics and comments.</summary>
        public abstract string Kind { get; }

        /// <summary>Values read per row (per time step for recurrent layers).</summary>
        public abstract int InputsPerRow { get; }

        /// <summary>Values written per row: a Dense layer's outputs, a recurrent layer's hidden units.</summary>
        public abstract int OutputsPerRow { get; }

        /// <summary>The shape of the values written per row: C × H × W for image layers, flat otherwise.</summary>
        public virtual LayerShape OutputShape => LayerShape.Flat(OutputsPerRow);

        /// <summary>What the layer produces, for the parser's messages: "16×5×5 = 400 values" or "120 values".</summary>
        public virtual string OutputArithmetic => OutputShape.Arithmetic;

        /// <summary>Whether the values the layer produces are an image's (even flat, after [Flatten]), given whether its input's were.</summary>
        public virtual bool OutputFromImage(bool inputFromImage) => OutputShape.IsSpatial;

        /// <summary>Trainable parameters.</summary>
        public abstract long ParameterCount { get; }

        /// <summary>Values of state that is not trained (running statistics), of the network's precision.</summary>
        public virtual long BufferCount => 0;

        /// <summary>Integer buffers (num_batches_tracked), int64 in PyTorch's files.</summary>
        public virtual int CounterCount => 0;

        /// <summary>Scratch values the layer works in besides what it stores (a convolution's windows), counted against the size limit too.</summary>
        public virtual long WorkingValues => 0;

        /// <summary>Values stored per row for the backward pass, given the sequence length (for the network size limit).</summary>
        public abstract long StoredValues(int sequenceLength);

        /// <summary>Values stored per example: <see cref="StoredValues"/> for each of the <paramref name="rows"/> rows of the output.</summary>
        public virtual long StoredPerExample(int sequenceLength, int rows) => rows * StoredValues(sequenceLength);

        /// <summary>Rows of the value the layer writes per example, given the rows it reads (1 for an image; T for a sequence).</summary>
        public virtual int OutputRows(int inputRows) => inputRows;

        /// <summary>Whether an activation written after this layer can run in its kernels (its output is stored, f′ is read from it).</summary>
        public virtual bool TakesActivation => false;

        /// <summary>Whether the layer reads the steps of a sequence as such (recurrent layers, Conv1D): the network then needs a SequenceLength.</summary>
        public virtual bool ReadsSequence => false;

        /// <summary>Whether the layer is recurrent: it keeps a record of every time step for backpropagation through time, and its streaming state is its last h (and c).</summary>
        public virtual bool Recurrent => false;

        /// <summary>What the layer does to streaming (see <see cref="StreamRole"/>).</summary>
        public virtual StreamRole Streaming => StreamRole.Stateless;

        /// <summary>
        /// For a layer that reads token ids (an embedding, first only): the number of distinct tokens, each input value an id
        /// in [0, vocabulary); 0 for a layer that reads values.
        /// </summary>
        public virtual int TokenVocabulary => 0;
    }
}
