using System.Collections.Immutable;
using Runlens.Analysis.Diagnoses;

namespace Runlens.Pipeline.Diagnosing;

/// <summary>
/// Diagnoses of stored runs by run id, each valid while its run has the same <see cref="RunVersion"/>. Each entry also
/// has its page form: the diagnosis with every series reduced to <see cref="StoredDiagnoses.PagePoints"/> points for drawing. The full
/// diagnoses kept hold at most <see cref="FullPointsKept"/> points together (a huge run keeps only its page form, and
/// the oldest full forms give way first); the page forms at most <see cref="PagePointsKept"/> points (counted as the
/// most a page form can hold, made or not; the oldest runs are forgotten first, the run just kept never); at most
/// <see cref="EntriesKept"/> runs are kept. A kept point costs about 40 bytes (the soak bench measures it), so the cache
/// holds a few hundred MB at most, however many series the runs have.
/// </summary>
internal sealed class DiagnosisCache
{
    public const int EntriesKept = 256;

    public const long FullPointsKept = 4_000_000;

    public const long PagePointsKept = 4_000_000;

    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly LinkedList<string> _order = new(); // oldest first
    private readonly Lock _gate = new();
    private long _fullPoints;
    private long _pagePoints;

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>Points of the full diagnoses kept now (at most <see cref="FullPointsKept"/>).</summary>
    public long FullPoints
    {
        get
        {
            lock (_gate)
            {
                return _fullPoints;
            }
        }
    }

    /// <summary>Points of the page forms kept now, counted as the most each can hold (at most <see cref="PagePointsKept"/>,
    /// unless the newest run alone has more).</summary>
    public long PagePoints
    {
        get
        {
            lock (_gate)
            {
                return _pagePoints;
            }
        }
    }

    /// <summary>The kept diagnosis of this version, or null (none, another version, or only its page form kept).</summary>
    public Diagnosis? Full(string runId, RunVersion version)
    {
        lock (_gate)
        {
            return _entries.TryGetValue(runId, out var e) && e.Version == version ? e.Full : null;
        }
    }

    /// <summary>The kept page form of this version, or null.</summary>
    public Diagnosis? Page(string runId, RunVersion version)
    {
        Entry? entry;
        lock (_gate)
        {
            entry = _entries.TryGetValue(runId, out var e) && e.Version == version ? e : null;
        }

        return entry?.Page.Value;
    }

    public void Put(string runId, RunVersion version, Diagnosis diagnosis)
    {
        var points = diagnosis.Run.Series.Values.Sum(s => (long)s.Count);
        var entry = new Entry(version, diagnosis, points);
        if (points > FullPointsKept)
        {
            entry.DropFull();
        }

        lock (_gate)
        {
            if (_entries.Remove(runId, out var old))
            {
                _fullPoints -= old.FullPoints;
                _pagePoints -= old.PagePoints;
                _order.Remove(runId);
            }

            _entries[runId] = entry;
            _order.AddLast(runId);
            _fullPoints += entry.FullPoints;
            _pagePoints += entry.PagePoints;
            while (_entries.Count > EntriesKept || (_pagePoints > PagePointsKept && _entries.Count > 1))
            {
                // too many runs, or too many page points: the oldest is forgotten (never the run just kept)
                var oldest = _order.First!.Value;
                _order.RemoveFirst();
                var forgotten = _entries[oldest];
                _fullPoints -= forgotten.FullPoints;
                _pagePoints -= forgotten.PagePoints;
                _entries.Remove(oldest);
            }

            for (var node = _order.First; node is not null && _fullPoints > FullPointsKept; node = node.Next)
            {
                // too many points held: the oldest keep only their page form
                var e = _entries[node.Value];
                _fullPoints -= e.FullPoints;
                e.DropFull();
            }
        }
    }

    private sealed class Entry
    {
        public Entry(RunVersion version, Diagnosis full, long points)
        {
            Version = version;
            Full = full;
            FullPoints = points;
            PagePoints = full.Run.Series.Values.Sum(s => (long)Math.Min(s.Count, MostPagePoints));
            Page = new Lazy<Diagnosis>(() => Reduce(full));
        }

        /// <summary>The most points one series' page form can hold (<see cref="Analysis.Signals.Downsample.MinMax"/>
        /// keeps the first and last point and up to three of each bucket of two).</summary>
        private const int MostPagePoints = 2 + (3 * ((StoredDiagnoses.PagePoints - 2) / 2));

        /// <summary>The most points the page form holds (series shorter than a page are shared with the full form).</summary>
        public long PagePoints { get; }

        public RunVersion Version { get; }

        public Diagnosis? Full { get; private set; }

        public long FullPoints { get; private set; }

        public Lazy<Diagnosis> Page { get; }

        /// <summary>Keeps the page form only (made now, while the full diagnosis is at hand).</summary>
        public void DropFull()
        {
            _ = Page.Value;
            Full = null;
            FullPoints = 0;
        }

        private static Diagnosis Reduce(Diagnosis d) => d with
        {
            Run = d.Run with
            {
                Series = d.Run.Series.ToImmutableSortedDictionary(kv => kv.Key,
                    kv => kv.Value with { Points = Analysis.Signals.Downsample.MinMax(kv.Value.Points, StoredDiagnoses.PagePoints) }, StringComparer.Ordinal),
            },
        };
    }
}
