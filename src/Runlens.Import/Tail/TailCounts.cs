using Runlens.Model;

namespace Runlens.Import.Tail;

/// <summary>What a tail tells the watcher about the points it reads: how many (in this look and in all), the last step of
/// each series, and the non-finite values among the new ones. A tail hands <see cref="Added"/> to its importer's series
/// collector and makes each look's <see cref="TailRead"/> with <see cref="Look"/>.</summary>
internal sealed class TailCounts
{
    private readonly Dictionary<string, long> _lastStep = new(StringComparer.Ordinal);
    private readonly List<(string, SeriesPoint)> _nonFinite = [];
    private long _points;
    private long _new;

    /// <summary>Called with each point the importer's code adds.</summary>
    public void Added(string name, SeriesPoint point)
    {
        _points++;
        _new++;
        _lastStep[name] = point.Step;
        if (!double.IsFinite(point.Value) && _nonFinite.Count < TailRead.MaxNonFinite)
        {
            _nonFinite.Add((name, point));
        }
    }

    /// <summary>A look begins: nothing new yet.</summary>
    public void BeginLook()
    {
        _new = 0;
        _nonFinite.Clear();
    }

    /// <summary>The log is read again from the start: no points so far.</summary>
    public void Restart()
    {
        _lastStep.Clear();
        _points = 0;
        BeginLook();
    }

    /// <summary>A series was dropped with its <paramref name="points"/> points.</summary>
    public void Forget(string name, long points)
    {
        _lastStep.Remove(name);
        _points -= points;
    }

    /// <summary>What this look found; <paramref name="restarted"/> says why the log (or part of it) was read again.</summary>
    public TailRead Look(string? restarted)
    {
        long? last = null;
        foreach (var step in _lastStep.Values)
        {
            last = last is { } m && m >= step ? m : step;
        }

        return new TailRead(_new, _points, last, [.. _nonFinite], restarted);
    }
}
