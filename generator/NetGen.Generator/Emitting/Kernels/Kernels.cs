using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using NetGen.Generator.Emitting.Activations;

namespace NetGen.Generator.Emitting
{
    // The registry: what was requested (Kind, Request) and Emit, which hands each request to the writer of its family
    // (DotProductWriter, ForwardBlockWriter, GemmWriter, SparseWriter, TranscendentalWriter; the elementwise rows and the
    // activations' loops are written here). The requests of each family are in that family's file of this folder, beside
    // its writer; what the writers share is KernelWriter.
    /// <summary>
    /// The inner loops of a network, each specialized to one constant length n: dot products and row updates,
    /// the register-blocked forward and backward tiles of mini-batches, transposes, column sums, and each
    /// activation's bias + f and f′ loops (branch-free where f has a vector form; named after the activation's
    /// <see cref="Activation.Key"/>). Every kernel has a Vector512, Vector256 and Vector128 path (taken when the hardware
    /// accelerates it; the JIT folds the checks to constants) and a scalar fallback. Loop bounds, the
    /// 4-way unrolled main loop, the whole vectors left over and the scalar tail are all decided here,
    /// at generation time, so the emitted loops have literal trip counts.
    /// </summary>
    internal sealed partial class Kernels : KernelWriter
    {
        /// <summary>
        /// The nested static class the kernels are written into, at the end of the network's file: the network's own code
        /// calls them as Kernels.Name, and their names cannot clash with the user's members.
        /// </summary>
        public const string ClassName = "Kernels";

        /// <summary>How the network's code reaches a kernel: "Kernels.".</summary>
        public const string Prefix = ClassName + ".";

        private readonly SortedSet<(int Kind, int Length, int Rows)> _requested = new();
        private readonly DotProductWriter _dots;
        private readonly ForwardBlockWriter _blocks;
        private readonly GemmWriter _gemms;
        private readonly SparseWriter _sparse;
        private readonly TranscendentalWriter _transcendentals;
        private readonly SortedDictionary<string, Action<CodeWriter>> _activationKernels = new(StringComparer.Ordinal);

        public Kernels(Numeric t)
            : base(t)
        {
            _dots = new DotProductWriter(t);
            _blocks = new ForwardBlockWriter(t);
            _gemms = new GemmWriter(t);
            _sparse = new SparseWriter(t);
            _transcendentals = new TranscendentalWriter(t);
        }

        private enum Kind
        {
            Dot = 0,
            Axpy = 1,
            AccumulateRow = 2,
            UpdateRow = 3,
            DotBlock = 4,
            Gemm4 = 5,
            Gemm1 = 6,
            Gemm8 = 7,
            ForwardBlock = 8,
            TransposeBlock = 9,
            DotRows = 10,
            ForwardBlockPrefetching = 11,
            SumRows = 12,
            DotRowsSparse = 13,
            NonzeroChunks = 14,
            AxpyChunks = 15,
            NonzeroRows = 16,
            ForwardBlockSparse = 17,
            ForwardBlockPrefetchingSparse = 18,
            GemmSparse8 = 19,
            NonzeroColumns = 20,
            Transcendentals = 21,
            GemmRows = 22,
            GemmMany = 23,
            DotRows16 = 24,
            DotRows16Pair = 25,
            SmoothActivations = 26,
        }

        public void Emit(CodeWriter w)
        {
            EmitMultiplyAdd(w);
            if (_t.Type == "float" && _requested.Any(r => r.Item1 is (int)Kind.DotRows or (int)Kind.DotRowsSparse))
            {
                _dots.EmitSum4(w);
            }

            foreach ((int kind, int n, int rows) in _requested)
            {
                w.Line();
                switch ((Kind)kind)
                {
                    case Kind.Dot:
                        _dots.EmitDot(w, n);
                        break;
                    case Kind.Axpy:
                        EmitElementwise(
                            w,
                            n,
                            $"/// <summary>y[i] += α·x[i] for i &lt; {n}.</summary>",
                            $"Axpy{n}(ref {_t.Type} y, {_t.Type} alpha, ref {_t.Type} x)",
                            new[] { "alpha" },
                            (v, i) => new[] { v.Store("y", i, v.MultiplyAdd("alpha", v.Load("x", i), v.Load("y", i))) });
                        break;
                    case Kind.AccumulateRow:
                        EmitElementwise(
                            w,
                            n,
                            $"/// <summary>One row of the backward pass: g[i] += δ·x[i] (weight gradient) and dx[i] += δ·w[i] (Wᵀδ), i &lt; {n}.</summary>",
                            $"AccumulateRow{n}(ref {_t.Type} g, ref {_t.Type} x, ref {_t.Type} w, ref {_t.Type} dx, {_t.Type} delta)",
                            new[] { "delta" },
                            (v, i) => new[]
                            {
                                v.Store("g", i, v.MultiplyAdd("delta", v.Load("x", i), v.Load("g", i))),
                                v.Store("dx", i, v.MultiplyAdd("delta", v.Load("w", i), v.Load("dx", i))),
                            });
                        break;
                    case Kind.DotBlock:
                        _dots.EmitDotBlock(w, n);
                        break;
                    case Kind.ForwardBlock:
                        _blocks.EmitForwardBlock(w, rows, n, prefetching: false, sparse: false);
                        break;
                    case Kind.ForwardBlockPrefetching:
                        _blocks.EmitForwardBlock(w, rows, n, prefetching: true, sparse: false);
                        break;
                    case Kind.ForwardBlockSparse:
                        _blocks.EmitForwardBlock(w, rows, n, prefetching: false, sparse: true);
                        break;
                    case Kind.ForwardBlockPrefetchingSparse:
                        _blocks.EmitForwardBlock(w, rows, n, prefetching: true, sparse: true);
                        break;
                    case Kind.DotRowsSparse:
                        _dots.EmitDotRowsSparse(w, n);
                        break;
                    case Kind.NonzeroChunks:
                        _sparse.EmitNonzeroChunks(w, n);
                        break;
                    case Kind.AxpyChunks:
                        _sparse.EmitAxpyChunks(w, n);
                        break;
                    case Kind.NonzeroRows:
                        _sparse.EmitNonzeroRows(w, n);
                        break;
                    case Kind.TransposeBlock:
                        _blocks.EmitTransposeBlock(w, n);
                        break;
                    case Kind.DotRows:
                        _dots.EmitDotRows(w, n);
                        break;
                    case Kind.SumRows:
                        _gemms.EmitSumRows(w, n);
                        break;
                    case Kind.Gemm8:
                        _gemms.EmitGemm(w, 8, n);
                        break;
                    case Kind.GemmSparse8:
                        _gemms.EmitGemm(w, 8, n, sparse: true);
                        break;
                    case Kind.NonzeroColumns:
                        _sparse.EmitNonzeroColumns(w, n);
                        break;
                    case Kind.Gemm4:
                        _gemms.EmitGemm(w, 4, n);
                        break;
                    case Kind.GemmRows:
                        _gemms.EmitGemm(w, rows, n);
                        break;
                    case Kind.Gemm1:
                        _gemms.EmitGemm(w, 1, n);
                        break;
                    case Kind.GemmMany:
                        _gemms.EmitGemmMany(w, n);
                        break;
                    case Kind.DotRows16:
                        _dots.EmitDotRows16(w, n);
                        break;
                    case Kind.DotRows16Pair:
                        _dots.EmitDotRows16Pair(w, n, rows);
                        break;
                    case Kind.Transcendentals:
                        _transcendentals.EmitTranscendentals(w);
                        break;
                    case Kind.SmoothActivations:
                        _transcendentals.EmitSmoothActivations(w);
                        break;
                    case Kind.UpdateRow:
                        EmitElementwise(
                            w,
                            n,
                            $"/// <summary>One row of the fused SGD backward pass: dx[i] += δ·w[i] with the old weight, then w[i] −= step·x[i], i &lt; {n}.</summary>",
                            $"UpdateRow{n}(ref {_t.Type} w, ref {_t.Type} x, ref {_t.Type} dx, {_t.Type} delta, {_t.Type} step)",
                            new[] { "delta", "-step" },
                            (v, i) => new[]
                            {
                                $"{v.Declare("wi")} = {v.Load("w", i)};",
                                v.Store("dx", i, v.MultiplyAdd("delta", "wi", v.Load("dx", i))),
                                v.Store("w", i, v.MultiplyAdd("-step", v.Load("x", i), "wi")),
                            });
                        break;
                }
            }

            foreach (Action<CodeWriter> emit in _activationKernels.Values)
            {
                w.Line();
                emit(w);
            }
        }

        private string Request(Kind kind, int n)
        {
            _requested.Add(((int)kind, n, 0));
            string name = kind switch
            {
                Kind.Gemm8 => "Gemm8x",
                Kind.GemmSparse8 => "GemmSparse8x",
                Kind.Gemm4 => "Gemm4x",
                Kind.Gemm1 => "Gemm1x",
                Kind.DotRows16 => "DotRows16x",
                _ => kind.ToString(),
            };
            return Prefix + name + n.ToString(CultureInfo.InvariantCulture);
        }
    }
}
