using System.Diagnostics;
using Runlens.Analysis.Diagnoses;
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
}

/// <summary>
/// Watches a run while it grows: reads its source (cheap when nothing changed), diagnoses it again when it changed, and
/// hands each turn to the handlers (print new findings, alerts, control actions). The rules run on the whole run each
/// time; the cadence adapts to their cost (<see cref="WatchOptions.CostFactor"/>), so at any size a turn sees every
/// point written before it started.
/// </summary>
public sealed class RunWatcher
{
    private readonly IRunSource _source;
    private readonly DiagnosisService _diagnoses;
    private readonly WatchOptions _options;
    private readonly TimeProvider _time;
    private readonly List<Func<WatchCycle, CancellationToken, Task>> _handlers = [];
    private Dictionary<string, Analysis.Findings.Finding> _findings = new(StringComparer.Ordinal);
    private Diagnosis? _last;
    private DateTimeOffset? _lastChange;
    private string? _lastProblem;

    /// <param name="diagnoses">Diagnoses with the rule options the host loaded (default: the rules' defaults).</param>
    public RunWatcher(IRunSource source, DiagnosisService? diagnoses = null, WatchOptions? options = null, TimeProvider? time = null)
    {
        _source = source ?? throw new ArgumentNullException(nameof(source));
        _diagnoses = diagnoses ?? new DiagnosisService();
        _options = options ?? WatchOptions.Default;
        _time = time ?? TimeProvider.System;
    }

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
        var clock = Stopwatch.StartNew();
        var read = await _source.ReadAsync(cancellationToken).ConfigureAwait(false);
        var now = _time.GetUtcNow();
        WatchCycle cycle;
        if (read.Resolved is { } run)
        {
            var diagnosis = _diagnoses.Diagnose(run);
            var findings = new Dictionary<string, Analysis.Findings.Finding>(StringComparer.Ordinal);
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

        foreach (var handler in _handlers)
        {
            await handler(cycle, cancellationToken).ConfigureAwait(false);
        }

        return cycle;
    }
}
