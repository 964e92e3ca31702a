namespace Runlens.Analysis.Metrics;

/// <summary>What <see cref="ScoreRanking.Walk{TSteps}"/> hands each distinct score, from the highest down.</summary>
internal interface IThresholdSteps
{
    /// <param name="key">The score as an order-preserving key (<see cref="ScoreRanking.Score(ulong)"/> turns it back).</param>
    /// <param name="count">How many examples have this score.</param>
    /// <param name="positives">How many of them belong to the class.</param>
    void Step(ulong key, int count, int positives);
}
