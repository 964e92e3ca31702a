using System.Collections.Immutable;
using Runlens.Analysis.Diagnoses;

namespace Runlens.Pipeline.Diagnosing;

/// <summary>
/// Diagnoses of stored runs by run id, each valid while its run has the same <see cref="RunVersion"/>. Each entry also
/// has its page form: the diagnosis with every series reduced to <see cref="StoredDiagnoses.PagePoints"/> points for drawing. The full
/// diagnoses kept hold at most <see cref="FullPointsKept"/> points together (a huge run keeps only its page form, and
/// the oldest full forms give way first); at most <see cref="EntriesKept"/> runs are kept.
/// </summary>
internal sealed class DiagnosisCache
{
    public const int EntriesKept = 256;

    public const long FullPointsKept = 4_000_000;

    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly LinkedList<string> _order = new(); // oldest first
    private readonly Lock _gate = new();
    private long _fullPoints;

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
                _order.Remove(runId);
            }

            _entries[runId] = entry;
            _order.AddLast(runId);
            _fullPoints += entry.FullPoints;
            while (_entries.Count > EntriesKept)
            {
                // too many runs: the oldest is forgotten
                var oldest = _order.First!.Value;
                _order.RemoveFirst();
                _fullPoints -= _entries[oldest].FullPoints;
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
            Page = new Lazy<Diagnosis>(() => Reduce(full));
        }

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
