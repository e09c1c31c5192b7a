using NetGen;

namespace NetGen.Samples.Streaming
{
    /// <summary>
    /// One-step-ahead prediction of a scalar signal: an LSTM of 32 units reads one value per step and a Dense layer
    /// turns every step's hidden state into the predicted next value (<c>ReturnSequences = true</c>: many-to-many, so
    /// training scores a prediction at every step of a window, exactly what <c>Step</c> produces when streaming).
    /// Trained on windows of 32 steps; streamed for as long as the caller likes.
    /// </summary>
    [Network(SequenceLength = 32, Optimizer = Optimizer.Adam)]
    [Lstm(1, 32, ReturnSequences = true)]
    [Dense(32, 1)][Identity]
    public partial class SineLstm
    {
    }
}
