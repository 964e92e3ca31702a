using Runlens.Analysis.Findings;
using Runlens.Live.Alerts.Detectors;

namespace Runlens.Live.Alerts.Policy;

/// <summary>
/// De-duplication and cool-down: which candidates of a look are sent, given what was sent before. It reads no clock (the
/// engine passes <c>now</c>) and keeps its memory for one run.
/// <para>A <b>finding</b> is sent once when it appears and never again while it persists (its title, whose numbers change as
/// the run grows, is not part of its key). After it disappears it is sent again when it comes back, but not within the
/// cool-down of its previous alert: if it is still there when the cool-down ends, it is sent then. A finding whose severity
/// rises above the severity it was sent with is sent again at once. A muted finding counts as present but is never sent.</para>
/// <para>A <b>threshold</b>, <b>z-score</b> or <b>stalled</b> candidate is sent unless the same key was sent within the
/// cool-down; crossings during the cool-down are not queued.</para>
/// </summary>
internal sealed class AlertGate(TimeSpan cooldown)
{
    private readonly Dictionary<string, FindingState> _findings = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> _lastSent = new(StringComparer.Ordinal);
    private readonly HashSet<string> _present = new(StringComparer.Ordinal);

    /// <summary>The candidates to send now, in their order. Every finding of the look must be among the candidates (muted or
    /// not): a finding key that is not is taken to have disappeared.</summary>
    public IReadOnlyList<AlertCandidate> Admit(IReadOnlyList<AlertCandidate> candidates, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        List<AlertCandidate>? admitted = null;
        _present.Clear();
        for (var i = 0; i < candidates.Count; i++)
        {
            var c = candidates[i];
            if (c.Kind == AlertKinds.Finding ? AdmitFinding(c, now) : AdmitEvent(c, now))
            {
                (admitted ??= []).Add(c);
            }
        }

        foreach (var (key, state) in _findings)
        {
            if (!_present.Contains(key))
            {
                state.Present = false;
            }
        }

        return admitted ?? (IReadOnlyList<AlertCandidate>)[];
    }

    private bool AdmitFinding(AlertCandidate c, DateTimeOffset now)
    {
        _present.Add(c.Key);
        if (!_findings.TryGetValue(c.Key, out var state))
        {
            _findings[c.Key] = state = new FindingState();
        }

        if (!state.Present)
        {
            state.Present = true;
            state.SentSinceAppeared = false;
        }

        if (c.Muted)
        {
            return false;
        }

        var escalated = state.SentSinceAppeared && c.Severity > state.SentSeverity;
        var due = !state.SentSinceAppeared && (state.LastSentAt is not { } last || now - last >= cooldown);
        if (!due && !escalated)
        {
            return false;
        }

        state.SentSinceAppeared = true;
        state.SentSeverity = c.Severity;
        state.LastSentAt = now;
        return true;
    }

    private bool AdmitEvent(AlertCandidate c, DateTimeOffset now)
    {
        if (_lastSent.TryGetValue(c.Key, out var last) && now - last < cooldown)
        {
            return false;
        }

        _lastSent[c.Key] = now;
        return true;
    }

    private sealed class FindingState
    {
        public bool Present { get; set; }

        public bool SentSinceAppeared { get; set; }

        public Severity SentSeverity { get; set; }

        public DateTimeOffset? LastSentAt { get; set; }
    }
}
