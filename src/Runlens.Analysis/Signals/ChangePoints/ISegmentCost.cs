namespace Runlens.Analysis.Signals.ChangePoints;

/// <summary>The cost of treating samples <c>[start, end)</c> of a fitted signal as one homogeneous segment.</summary>
public interface ISegmentCost
{
    /// <summary>Short name: <c>l2</c>, <c>rbf</c>.</summary>
    string Name { get; }

    /// <summary>Prepares the cost for <paramref name="signal"/> (prefix sums, Gram matrix, …).</summary>
    void Fit(SignalMatrix signal);

    /// <summary>The cost of the segment <c>[start, end)</c>, 0 ≤ start &lt; end ≤ n.</summary>
    double Cost(int start, int end);
}
