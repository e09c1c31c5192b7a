namespace NetGen.Generator.Emitting
{
    /// <summary>
    /// The members of a network over token ids (its first layer reads them): Vocabulary, and the overloads of Predict,
    /// PredictBatch, Classify, Loss, Train and Gradient that take <c>int</c> tokens. Each checks the
    /// tokens, writes them as values of the network's type into a pooled array (no allocation once the pool holds one) and
    /// calls the member that takes values, which checks them again before anything changes.
    /// </summary>
    internal sealed class TokenEmitter : EmitterPart
    {
        public TokenEmitter(EmitterPart shared)
            : base(shared)
        {
        }

        internal void EmitTokenMembers(CodeWriter w)
        {
            if (Vocabulary == 0)
            {
                return;
            }

            w.Line();
            w.Line("/// <summary>Distinct tokens the network reads: every token id is in [0, Vocabulary).</summary>");
            w.Line($"public const int Vocabulary = {Vocabulary};");
            w.Line();
            w.Line("/// <summary>");
            w.Line($"/// The token ids of <paramref name=\"tokens\"/>, each checked to be in [0, {Vocabulary}) (an ArgumentOutOfRangeException naming the first");
            w.Line($"/// that is not, its example and step), as {T} values in an array of ArrayPool&lt;{T}&gt;.Shared; give it back with ReturnTokens.");
            w.Line("/// </summary>");
            using (w.Block($"private static {T}[] RentTokens(ReadOnlySpan<int> tokens)"))
            {
                w.Line($"global::NetGen.Runtime.Guard.Tokens(tokens, {Vocabulary}, {_model.SequenceLength}, nameof(tokens));");
                w.Line($"{T}[] values = ArrayPool<{T}>.Shared.Rent(Math.Max(tokens.Length, 1));");
                using (w.Block("for (int i = 0; i < tokens.Length; i++)"))
                {
                    w.Line("values[i] = tokens[i];");
                }

                w.Line("return values;");
            }

            w.Line();
            w.Line($"private static void ReturnTokens({T}[] values) => ArrayPool<{T}>.Shared.Return(values);");
            string one = $"{_model.SequenceLength} token ids in [0, {Vocabulary})";
            Overload(w, "void", "Predict", "Span<" + T + "> output", "output", "Predict for one example of " + one + ".", single: true);
            Overload(w, "void", "PredictBatch", "Span<" + T + "> outputs", "outputs", "PredictBatch for N examples of " + one + ", row-major.", single: false);
            if (_head.CanClassify)
            {
                if (Rows > 1)
                {
                    Overload(w, "void", "Classify", "Span<int> classes", "classes", "Classify for one example of " + one + ".", single: true);
                }
                else
                {
                    Overload(w, "int", "Classify", null, null, "Classify for one example of " + one + ".", single: true);
                }
            }

            string loss = TargetParameter("label", "target");
            Overload(w, T, "Loss", loss, loss.Substring(loss.LastIndexOf(' ') + 1), "Loss for one example of " + one + ".", single: true);
            if (_head.IntegerLabels && Rows == 1)
            {
                Overload(w, T, "Train", $"int label, {T} learningRate", "label, learningRate", "Train on one example of " + one + ".", single: true);
            }

            Overload(w, T, "Train", $"{TargetsParameter}, {T} learningRate", $"{TargetsName}, learningRate", "Train on N examples of " + one + ", row-major.", single: false);
            Overload(w, T, "Gradient", $"{TargetsParameter}, Span<{T}> gradient", $"{TargetsName}, gradient", "Gradient over N examples of " + one + ", row-major.", single: false);
        }

        /// <summary>
        /// <c>public {result} {name}(ReadOnlySpan&lt;int&gt; tokens, {parameters})</c>: the length checked (one example or whole
        /// examples), then the member of the same name on the tokens as values, with <paramref name="arguments"/>.
        /// </summary>
        private void Overload(CodeWriter w, string result, string name, string? parameters, string? arguments, string summary, bool single)
        {
            w.Line();
            w.Line($"/// <summary>{summary} The tokens are checked before anything changes.</summary>");
            using (w.Block($"public {result} {name}(ReadOnlySpan<int> tokens{(parameters is null ? string.Empty : ", " + parameters)})"))
            {
                w.Line(single
                    ? "global::NetGen.Runtime.Guard.Length(tokens.Length, InputSize, nameof(tokens));"
                    : "global::NetGen.Runtime.Guard.Batch(tokens.Length, InputSize, nameof(tokens));");
                w.Line($"{T}[] values = RentTokens(tokens);");
                using (w.Block("try"))
                {
                    string call = $"{name}(new ReadOnlySpan<{T}>(values, 0, tokens.Length){(arguments is null ? string.Empty : ", " + arguments)});";
                    w.Line(result == "void" ? call : "return " + call);
                }

                using (w.Block("finally"))
                {
                    w.Line("ReturnTokens(values);");
                }
            }
        }
    }
}
