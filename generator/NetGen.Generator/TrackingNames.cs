namespace NetGen.Generator
{
    /// <summary>Names of the incremental pipeline steps, so tests can check what was cached.</summary>
    public static class TrackingNames
    {
        /// <summary>[Network] declarations parsed to a model and diagnostics.</summary>
        public const string Parse = nameof(Parse);

        /// <summary>The weights files among the AdditionalFiles, summarized (hash, tensors, problems).</summary>
        public const string WeightsFiles = nameof(WeightsFiles);

        /// <summary>Parse results with their [Network(Weights = …)] resolved and validated against the weights files.</summary>
        public const string Weights = nameof(Weights);

        /// <summary>Valid models only: the input of source output.</summary>
        public const string Models = nameof(Models);

        /// <summary>Stubs of declarations with errors: the public surface that keeps user code compiling.</summary>
        public const string Stubs = nameof(Stubs);

        /// <summary>Diagnostics only: the input of diagnostic reporting.</summary>
        public const string Diagnostics = nameof(Diagnostics);

        /// <summary>Each [Block] class's own check (its diagnostics).</summary>
        public const string Blocks = nameof(Blocks);
    }
}
