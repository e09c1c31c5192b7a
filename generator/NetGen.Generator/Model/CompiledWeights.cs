namespace NetGen.Generator.Model
{
    /// <summary>
    /// A [Network(Weights = "…")] request as written: the path relative to the project and where the argument is, for the
    /// diagnostic. Kept beside the model (not in it), so that moving the declaration does not re-emit the network.
    /// </summary>
    internal sealed record WeightsRequest(string Path, LocationInfo? At);

    /// <summary>
    /// The compiled-in weights of a network, validated against its topology at build time: which embedded resource holds
    /// the file, its length and SHA-256 (so a changed file changes the model, and nothing else needs comparing), and where
    /// each tensor's bytes are, in the order of the network's tensors.
    /// </summary>
    /// <param name="RelativePath">The file, relative to the project, '/'-separated, as the build targets saw it.</param>
    /// <param name="ResourceName">The manifest resource the build targets embed the file as.</param>
    /// <param name="Length">The file's length in bytes.</param>
    /// <param name="Sha256">The file's SHA-256, lower-case hex.</param>
    /// <param name="Offsets">Byte offset in the file of each of the network's tensors, in storage order.</param>
    internal sealed record CompiledWeights(string RelativePath, string ResourceName, long Length, string Sha256, EquatableArray<long> Offsets);

    /// <summary>One tensor of a safetensors file, as its header describes it (no data): what validation compares.</summary>
    /// <param name="Begin">Start of its bytes in the file (absolute: 8 + header length + data_offsets[0]).</param>
    /// <param name="FirstNonFinite">Index of the first NaN or ±∞ element of an F32/F64 tensor, or -1.</param>
    /// <param name="NonFiniteValue">"NaN", "+∞" or "−∞" for that element, else empty.</param>
    internal sealed record TensorSummary(string Name, string DType, EquatableArray<long> Shape, long Begin, long ByteLength, long FirstNonFinite, string NonFiniteValue);

    /// <summary>
    /// What the generator knows of one weights file among the AdditionalFiles, independent of any network: where it is,
    /// its hash, its tensors, or the problem that makes it unusable. Equatable and free of data, so the pipeline compares
    /// it cheaply; a changed file changes <see cref="Sha256"/>.
    /// </summary>
    /// <param name="RelativePath">The path relative to the project ('/'-separated) for a converted file; the AdditionalFiles path for a raw one.</param>
    /// <param name="Converted">Whether NetGen's build targets converted it (false: a .safetensors listed without them, unreadable as text).</param>
    /// <param name="Problem">Why the file cannot be used (missing, too large, bad header), or null.</param>
    internal sealed record WeightsFileSummary(
        string RelativePath,
        bool Converted,
        string ResourceName,
        string? Problem,
        long Length,
        string Sha256,
        EquatableArray<TensorSummary> Tensors);
}
