using System.Globalization;
using System.Text.Json;
using Runlens.Analysis.Findings;
using Runlens.Live.Control;
using Runlens.Model;

namespace Runlens.Live.Watch;

/// <summary>
/// What <c>runlens watch</c> and <c>runlens run</c> do with each turn of a <see cref="RunWatcher"/>: print each new
/// finding once (and when it goes away), as text for people or as JSON lines for programs; ask the alert rules what to
/// send and which control actions to take; publish those actions to the trainer and record each as a
/// <see cref="RunEventKind.Control"/> event with the finding that caused it.
/// </summary>
public sealed class LiveMonitor
{
    private readonly TextWriter _output;
    private readonly bool _json;
    private readonly List<RunEvent> _events = [];
    private readonly List<ControlAction> _actions = [];

    /// <param name="output">Where findings are printed (stderr under <c>runlens run</c>, stdout under <c>watch</c>).</param>
    /// <param name="json">One JSON object per line instead of text.</param>
    public LiveMonitor(TextWriter output, bool json)
    {
        _output = output ?? throw new ArgumentNullException(nameof(output));
        _json = json;
    }

    /// <summary>Decides, after each turn, which control actions to take (the alert rules); their ids are assigned by
    /// the <see cref="Control"/> channel.</summary>
    public Func<WatchCycle, CancellationToken, Task<IReadOnlyList<ControlAction>>>? Decide { get; init; }

    /// <summary>Where actions are published; without it, decided actions are only printed and recorded.</summary>
    public IControlChannel? Control { get; init; }

    /// <summary>Called after an action is published (<c>runlens run</c> sends SIGINT for <c>stop</c>).</summary>
    public Func<ControlAction, CancellationToken, Task>? OnAction { get; init; }

    /// <summary>Events to add to the run: one per control action issued.</summary>
    public IReadOnlyList<RunEvent> Events => _events;

    public IReadOnlyList<ControlAction> Actions => _actions;

    /// <summary>Attaches to <paramref name="watcher"/>.</summary>
    public RunWatcher Attach(RunWatcher watcher)
    {
        ArgumentNullException.ThrowIfNull(watcher);
        return watcher.OnCycle(HandleAsync);
    }

    public async Task HandleAsync(WatchCycle cycle, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cycle);
        if (cycle.Problem is { } problem)
        {
            Write(cycle, "waiting", problem, null);
        }

        if (cycle.Notice is { } notice)
        {
            Write(cycle, "warning", notice, null);
        }

        foreach (var f in cycle.NewFindings)
        {
            Write(cycle, "finding", null, f);
        }

        foreach (var f in cycle.GoneFindings)
        {
            Write(cycle, "resolved", $"{f.RuleId} {f.Rule} ({FindingKey.Of(f)}) no longer holds", _json ? f : null);
        }

        if (Decide is null)
        {
            return;
        }

        foreach (var decided in await Decide(cycle, cancellationToken).ConfigureAwait(false))
        {
            ControlAction action;
            try
            {
                action = Control is null ? decided with { Id = "a" + (_actions.Count + 1).ToString(CultureInfo.InvariantCulture) }
                    : await Control.IssueAsync(decided, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or HttpRequestException or FormatException)
            {
                // The trainer cannot be told; say so loudly, once per action, and keep watching.
                Write(cycle, "warning", $"the {ControlDocument.Verb(decided.Action)} action for {decided.RuleId} could not be published: {ex.Message}", null);
                continue;
            }

            _actions.Add(action);
            var e = ControlEvents.Of(action);
            _events.Add(e);
            Write(cycle, "action", e.Message, null, action);
            if (OnAction is not null)
            {
                await OnAction(action, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private void Write(WatchCycle cycle, string type, string? text, Finding? finding, ControlAction? action = null)
    {
        if (_json)
        {
            using var buffer = new MemoryStream();
            using (var w = new Utf8JsonWriter(buffer))
            {
                w.WriteStartObject();
                w.WriteString("type", type);
                w.WriteString("time", cycle.Now.ToString("O", CultureInfo.InvariantCulture));
                if (cycle.LastStep is { } step)
                {
                    w.WriteNumber("step", step);
                }

                if (finding is not null)
                {
                    w.WriteString("key", FindingKey.Of(finding));
                    w.WritePropertyName("finding");
                    Reports.Json.DiagnosisJsonRenderer.WriteFinding(w, finding);
                }
                else if (action is not null)
                {
                    w.WriteString("id", action.Id);
                    w.WriteString("action", ControlDocument.Verb(action.Action));
                    w.WriteString("message", text);
                }
                else
                {
                    w.WriteString("message", text);
                }

                w.WriteEndObject();
            }

            _output.WriteLine(System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
        }
        else
        {
            var at = cycle.Now.ToLocalTime().ToString("HH:mm:ss", CultureInfo.InvariantCulture)
                + (cycle.LastStep is { } s ? " step " + s.ToString(CultureInfo.InvariantCulture) : "");
            _output.WriteLine(finding is null
                ? $"[{at}] {type}: {text}"
                : $"[{at}] {finding.Severity.ToString().ToLowerInvariant()} {finding.RuleId} {finding.Rule}: {finding.Title}"
                  + (finding.Recommendations.IsDefaultOrEmpty ? "" : $"{Environment.NewLine}    → {finding.Recommendations[0].Action}"));
        }

        _output.Flush();
    }
}
