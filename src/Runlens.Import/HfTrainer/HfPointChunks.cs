using Runlens.Model;

namespace Runlens.Import.HfTrainer;

/// <summary>One name's points within one chunk of <c>log_history</c>, kept in arrays of growing size (up to 16,384) so
/// that a million points are never doubled and copied as one list would be.</summary>
internal sealed class HfPointChunks
{
    private readonly PointChunks _points = new();

    /// <summary>Points added before the chunk's first entry with a step of its own: their step is the last step of the
    /// chunks before, known only when the chunks are joined.</summary>
    public int Leading { get; set; }

    public int Count => _points.Count;

    public void Add(SeriesPoint point) => _points.Add(point);

    /// <summary>Copies every point, in order, to the start of <paramref name="into"/>, giving the leading points
    /// <paramref name="carriedStep"/>, and lets go of the arrays as it goes.</summary>
    public void MoveTo(Span<SeriesPoint> into, long carriedStep)
    {
        var count = Count;
        _points.MoveTo(into);
        foreach (ref var point in into[..Math.Min(Leading, count)])
        {
            point = point with { Step = carriedStep };
        }
    }
}
