using System.Collections.Immutable;
using System.Diagnostics;
using Runlens.Analysis.Diagnoses;
using Runlens.Analysis.Findings;
using Runlens.Analysis.Rules;
using Runlens.Model;
using Runlens.Pipeline.Diagnosing;
using Runlens.Pipeline.Sources;

namespace Runlens.Live.Watch;

/// <summary>How often the watcher looks.</summary>
/// <param name="MinInterval">Shortest time between two turns (default 1 s).</param>
/// <param name="CostFactor">A turn that changed waits at least this many times its own cost before the next one, so a
/// large run is re-diagnosed less often instead of falling behind (default 2).</param>
public sealed record WatchOptions(TimeSpan MinInterval, double CostFactor = 2)
{
    public static WatchOptions Default { get; } = new(TimeSpan.FromSeconds(1));

    /// <summary>For a log read incrementally (<see cref="TailRunSource"/>): the share of one core the full diagnoses may
    /// take (default 0.2): after a full diagnosis that cost <c>c</c>, the next waits at least <c>c × (1 / share − 1)</c>.</summary>
    public double FullPassShare { get; init; } = 0.2;

    /// <summary>For a log read incrementally: the shortest time between two looks when the operating system signals
    /// changes (default 50 ms); without change notification the log is polled every <see cref="MinInterval"/>.</summary>
    public TimeSpan QuickInterval { get; init; } = TimeSpan.FromMilliseconds(50);
}

/// <summary>
/// Watches a run while it grows: reads its source (cheap when nothing changed), diagnoses it again when it changed, and
/// hands each turn to the handlers (print new findings, alerts, control actions). The rules run on the whole run each
/// time; the cadence adapts to their cost (<see cref="WatchOptions.CostFactor"/>), so at any size a turn sees every
/// point written before it started.
/// <para>A log read incrementally (<see cref="TailRunSource"/>) is looked at whenever the operating system says it
/// changed (or at each poll): a look parses only the new records and runs the cheap checks on them first (a NaN or
/// infinite loss gives the divergence finding at once, from the loss series alone, as the full diagnosis would give
/// it). The full diagnosis runs beside the looks, on a snapshot of the points read, as often as
/// <see cref="WatchOptions.FullPassShare"/> of one core allows; its findings are those of diagnosing the same points
/// from scratch.</para>
/// </summary>
public sealed class RunWatcher
{
    private readonly IRunSource _source;
    private readonly DiagnosisService _diagnoses;
    private readonly WatchOptions _options;
    private readonly TimeProvider _time;
    private readonly List<Func<WatchCycle, CancellationToken, Task>> _handlers = [];
    private readonly TailRunSource? _tail;
    private readonly Diagnoser _cheap;
    private readonly HashSet<string> _nonFinite = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (Finding Finding, long Points)> _early = new(StringComparer.Ordinal);
    private Dictionary<string, Finding> _findings = new(StringComparer.Ordinal);
    private Diagnosis? _last;
    private DateTimeOffset? _lastChange;
    private string? _lastProblem;
    private long _seenPoints;
    private long? _seenStep;
    private long _snapshotPoints = -1;

    /// <param name="diagnoses">Diagnoses with the rule options the host loaded (default: the rules' defaults).</param>
    public RunWatcher(IRunSource source, DiagnosisService? diagnoses = null, WatchOptions? options = null, TimeProvider? time = null)
    {
        _source = source ?? throw new ArgumentNullException(nameof(source));
        _diagnoses = diagnoses ?? new DiagnosisService();
        _options = options ?? WatchOptions.Default;
        _time = time ?? TimeProvider.System;
        _tail = source as TailRunSource;
        _cheap = new Diagnoser(_diagnoses.Settings.Rules, RuleCatalog.All.Where(r => r.Descriptor.Id == CheapRuleId));
    }

    /// <summary>The rule the cheap checks run on new non-finite values: divergence (RL0107), which needs only the loss series.</summary>
    private const string CheapRuleId = "RL0107";

    /// <summary>The series the cheap check copies: the losses, and the epoch series the importer fills epochs from.</summary>
    private static bool CheapSeries(string key) => MetricNames.IsLossName(key) || key is "epoch" or "train/epoch";

    /// <summary>The latest diagnosis; null until the run could be read.</summary>
    public Diagnosis? Latest => _last;

    /// <summary>Adds something that runs after every turn, in the order added. A handler that throws stops the watcher.</summary>
    public RunWatcher OnCycle(Func<WatchCycle, CancellationToken, Task> handler)
    {
        _handlers.Add(handler ?? throw new ArgumentNullException(nameof(handler)));
        return this;
    }

    /// <summary>Turns until <paramref name="cancellationToken"/> is cancelled or <paramref name="until"/> says to stop
    /// (it sees each turn after the handlers). Returns the latest diagnosis.</summary>
    public async Task<Diagnosis?> RunAsync(Func<WatchCycle, bool>? until = null, CancellationToken cancellationToken = default)
    {
        if (_tail is not null)
        {
            return await RunTailAsync(until, cancellationToken).ConfigureAwait(false);
        }

        while (!cancellationToken.IsCancellationRequested)
        {
            var started = _time.GetTimestamp();
            WatchCycle cycle;
            try
            {
                cycle = await TurnAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break; // stopped in the middle of a read or a diagnosis: the previous turn stands
            }

            if (until?.Invoke(cycle) == true)
            {
                break;
            }

            var wait = cycle.Changed ? TimeSpan.FromTicks(Math.Max(_options.MinInterval.Ticks, (long)(cycle.Cost.Ticks * _options.CostFactor))) : _options.MinInterval;
            var left = wait - _time.GetElapsedTime(started);
            if (left > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(left, _time, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }

        return _last;
    }

    /// <summary>One turn: read, diagnose when changed, run the handlers.</summary>
    public async Task<WatchCycle> TurnAsync(CancellationToken cancellationToken = default)
    {
        if (_tail is not null)
        {
            // a look and, when the log grew, a full diagnosis of it now
            var look = TakeLook(cancellationToken);
            var turn = look.Problem is null && look.Dirty ? Complete(FullPass(_tail.Snapshot()), look) : Quick(look);
            await HandleAsync(turn, cancellationToken).ConfigureAwait(false);
            return turn;
        }

        var clock = Stopwatch.StartNew();
        var read = await _source.ReadAsync(cancellationToken).ConfigureAwait(false);
        var now = _time.GetUtcNow();
        WatchCycle cycle;
        if (read.Resolved is { } run)
        {
            var diagnosis = _diagnoses.Diagnose(run);
            var findings = new Dictionary<string, Finding>(StringComparer.Ordinal);
            foreach (var f in diagnosis.Findings)
            {
                findings.TryAdd(FindingKey.Of(f), f);
            }

            var added = findings.Where(kv => !_findings.ContainsKey(kv.Key)).Select(kv => kv.Value).ToList();
            var gone = _findings.Where(kv => !findings.ContainsKey(kv.Key)).OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => kv.Value).ToList();
            _findings = findings;
            _last = diagnosis;
            _lastChange = now;
            _lastProblem = null;
            cycle = new WatchCycle(diagnosis, true, added, gone, now, now, clock.Elapsed, null);
        }
        else
        {
            var problem = read.Problem is not null && read.Problem != _lastProblem ? read.Problem : null;
            _lastProblem = read.Problem ?? _lastProblem;
            cycle = new WatchCycle(_last, false, [], [], now, _lastChange, clock.Elapsed, problem);
        }

        await HandleAsync(cycle, cancellationToken).ConfigureAwait(false);
        return cycle;
    }

    private async Task HandleAsync(WatchCycle cycle, CancellationToken cancellationToken)
    {
        foreach (var handler in _handlers)
        {
            await handler(cycle, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Watching a log read incrementally: a look at each change, the full diagnosis beside the looks.</summary>
    private async Task<Diagnosis?> RunTailAsync(Func<WatchCycle, bool>? until, CancellationToken cancellationToken)
    {
        using var signal = ChangeSignal.TryCreate(_tail!.Description);
        Task<FullResult>? full = null;
        var nextFull = _time.GetTimestamp();
        long handled = 0;
        var first = true;
        while (!cancellationToken.IsCancellationRequested)
        {
            var started = _time.GetTimestamp();
            WatchCycle? cycle = null;
            Look look;
            try
            {
                look = TakeLook(cancellationToken);
                if (full is { IsCompleted: true })
                {
                    var result = await full.ConfigureAwait(false);
                    full = null;
                    cycle = Complete(result, look);
                    var rest = TimeSpan.FromTicks((long)(result.Cost.Ticks * ((1 / Math.Clamp(_options.FullPassShare, 0.01, 1)) - 1)));
                    nextFull = _time.GetTimestamp() + (long)(Math.Max(rest.TotalSeconds, _options.MinInterval.TotalSeconds) * _time.TimestampFrequency);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }

            if (cycle is null && (first || look.Early.Count > 0 || look.Problem is not null || look.Notice is not null
                || _time.GetElapsedTime(handled) >= _options.MinInterval))
            {
                cycle = Quick(look);
            }

            if (cycle is not null)
            {
                first = false;
                handled = _time.GetTimestamp();
                await HandleAsync(cycle, cancellationToken).ConfigureAwait(false);
                if (until?.Invoke(cycle) == true)
                {
                    break;
                }
            }

            if (full is null && look.Dirty && _time.GetTimestamp() >= nextFull)
            {
                var snapshot = _tail.Snapshot();
                full = Task.Run(() => FullPass(snapshot), cancellationToken);
            }

            try
            {
                await WaitAsync(signal, full, started, nextFull, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        if (full is not null)
        {
            try
            {
                await full.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }

        return _last;
    }

    /// <summary>Until the log changes (or the poll is due), a full diagnosis ends, or the next one is due; at least
    /// <see cref="WatchOptions.QuickInterval"/> after the look began.</summary>
    private async Task WaitAsync(ChangeSignal? signal, Task<FullResult>? full, long started, long nextFull, CancellationToken cancellationToken)
    {
        var poll = _options.MinInterval - _time.GetElapsedTime(started);
        var due = TimeSpan.FromSeconds((nextFull - _time.GetTimestamp()) / (double)_time.TimestampFrequency);
        if (full is null && due > TimeSpan.Zero && due < poll && _seenPoints > _snapshotPoints)
        {
            poll = due;
        }

        if (poll > TimeSpan.Zero)
        {
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var waits = new List<Task> { signal is null ? Task.Delay(poll, _time, stop.Token) : signal.WaitAsync(poll, stop.Token) };
            if (full is not null)
            {
                waits.Add(full);
            }

            await Task.WhenAny(waits).ConfigureAwait(false);
            await stop.CancelAsync().ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
        }

        var gap = _options.QuickInterval - _time.GetElapsedTime(started);
        if (gap > TimeSpan.Zero)
        {
            await Task.Delay(gap, _time, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Reads what the log gained and runs the cheap checks on it.</summary>
    private Look TakeLook(CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var read = _tail!.ReadNew(out var problem, cancellationToken);
        var now = _time.GetUtcNow();
        if (read is null)
        {
            var fresh = problem != _lastProblem ? problem : null;
            _lastProblem = problem;
            return new Look(now, [], fresh, null, false, clock.Elapsed);
        }

        _lastProblem = null;
        if (read.Restarted is not null)
        {
            _nonFinite.Clear();
            _early.Clear();
            _snapshotPoints = -1;
        }

        if (read.NewPoints > 0 || read.Restarted is not null)
        {
            _lastChange = now;
            _seenPoints = read.Points;
            _seenStep = read.LastStep;
        }

        var early = new List<Finding>();
        var anyNew = false;
        foreach (var (name, _) in read.NonFinite)
        {
            anyNew |= _nonFinite.Add(name);
        }

        if (anyNew && _tail.Snapshot(CheapSeries).Run is { } losses)
        {
            // the loss series alone are enough for the divergence rule: a copy of them, not of the whole run
            foreach (var f in _cheap.Diagnose(losses).Findings.Where(f => f.RuleId == CheapRuleId))
            {
                var key = FindingKey.Of(f);
                if (_findings.TryAdd(key, f))
                {
                    _early[key] = (f, read.Points);
                    early.Add(f);
                }
            }
        }

        return new Look(now, early, null, read.Restarted, _seenPoints > _snapshotPoints || read.Restarted is not null, clock.Elapsed);
    }

    /// <summary>Diagnoses a snapshot (on any thread).</summary>
    private FullResult FullPass(SourceRead snapshot)
    {
        var clock = Stopwatch.StartNew();
        var points = snapshot.Run?.Series.Values.Sum(s => (long)s.Count) ?? 0;
        var diagnosis = snapshot.Resolved is { } run ? _diagnoses.Diagnose(run) : null;
        return new FullResult(diagnosis, snapshot.Problem, points, clock.Elapsed);
    }

    /// <summary>The turn a finished full diagnosis makes: its findings against the previous ones (the early ones
    /// found in points it did not see yet are kept).</summary>
    private WatchCycle Complete(FullResult result, Look look)
    {
        if (result.Diagnosis is not { } diagnosis)
        {
            var problem = result.Problem is not null && result.Problem != _lastProblem ? result.Problem : null;
            _lastProblem = result.Problem ?? _lastProblem;
            return Quick(look) with { Problem = look.Problem ?? problem };
        }

        _snapshotPoints = result.Points;
        var findings = new Dictionary<string, Finding>(StringComparer.Ordinal);
        foreach (var f in diagnosis.Findings)
        {
            findings.TryAdd(FindingKey.Of(f), f);
        }

        foreach (var (key, (finding, at)) in _early.ToList())
        {
            if (at > result.Points)
            {
                findings.TryAdd(key, finding); // seen by a look after this snapshot was taken
            }
            else
            {
                _early.Remove(key);
            }
        }

        var added = findings.Where(kv => !_findings.ContainsKey(kv.Key)).Select(kv => kv.Value).ToList();
        var gone = _findings.Where(kv => !findings.ContainsKey(kv.Key)).OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => kv.Value).ToList();
        _findings = findings;
        _last = diagnosis;
        return new WatchCycle(WithEarly(diagnosis), true, [.. look.Early, .. added], gone, look.Now, _lastChange, result.Cost + look.Cost, look.Problem)
        {
            SeenPoints = _seenPoints,
            SeenStep = _seenStep,
            Notice = look.Notice,
        };
    }

    /// <summary>The turn a look makes by itself: the early findings, against the latest full diagnosis.</summary>
    private WatchCycle Quick(Look look) => new(WithEarly(_last), false, look.Early, [], look.Now, _lastChange, look.Cost, look.Problem)
    {
        SeenPoints = _seenPoints,
        SeenStep = _seenStep,
        Notice = look.Notice,
    };

    /// <summary>The latest full diagnosis with the findings the cheap checks found since (in points it has not seen),
    /// so that the alert rules and control actions act on them at once; its status rises to the worst of them. Null
    /// before the first full diagnosis.</summary>
    private Diagnosis? WithEarly(Diagnosis? diagnosis)
    {
        if (diagnosis is null || _early.Count == 0)
        {
            return diagnosis;
        }

        var have = diagnosis.Findings.Select(FindingKey.Of).ToHashSet(StringComparer.Ordinal);
        var added = _early.Where(kv => !have.Contains(kv.Key)).OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => kv.Value.Finding).ToList();
        if (added.Count == 0)
        {
            return diagnosis;
        }

        var findings = diagnosis.Findings.Concat(added).Select((f, i) => (f, i)).OrderByDescending(x => x.f.Severity).ThenBy(x => x.i).Select(x => x.f).ToImmutableArray();
        var worst = added.MaxBy(f => f.Severity)!;
        var status = worst.Severity == Severity.Error ? DiagnosisStatus.Critical : worst.Severity == Severity.Warning ? DiagnosisStatus.Warning : DiagnosisStatus.Healthy;
        var summary = status > diagnosis.Summary.Status ? diagnosis.Summary with { Status = status, Headline = worst.Title } : diagnosis.Summary;
        return new Diagnosis(diagnosis.Run, summary, findings, diagnosis.Coverage, diagnosis.ConfigChanges, diagnosis.NextSteps, diagnosis.Metrics)
        {
            Predictions = diagnosis.Predictions,
        };
    }

    /// <summary>What one look at a log read incrementally found.</summary>
    private sealed record Look(DateTimeOffset Now, List<Finding> Early, string? Problem, string? Notice, bool Dirty, TimeSpan Cost);

    private sealed record FullResult(Diagnosis? Diagnosis, string? Problem, long Points, TimeSpan Cost);
}
