using System.Globalization;
using Google.Protobuf;
using Runlens.Import.Core;
using Runlens.Import.Wandb.Proto;
using Runlens.Model;

namespace Runlens.Import.Wandb;

/// <summary>
/// What the records of a W&amp;B transaction log said so far: history rows as series points, the summary, the config,
/// the run, exit, final and footer records, system stats. Kept for the whole read of the log (or, while a run is watched,
/// between looks: <see cref="Read"/> reads on from where the log reader stopped); <see cref="WandbRunReader"/> makes the
/// run from it without changing it.
/// </summary>
internal sealed class WandbLogState
{
    /// <summary>Step keys trainers log themselves, preferred over W&amp;B's own <c>_step</c> row counter.</summary>
    public static readonly string[] StepKeys = ["trainer/global_step", "train/global_step", "global_step"];

    public static readonly string[] EpochKeys = ["epoch", "train/epoch"];

    private readonly List<RunEvent> _skipped = [];

    /// <summary>The history rows' points.</summary>
    public SeriesCollector Series { get; } = new(n => MetricNames.Normalize(n, bareSplit: null));

    public Dictionary<string, double> Summary { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, ConfigValue> Config { get; } = new(StringComparer.Ordinal);

    public WandbSystemStats Stats { get; } = new();

    /// <summary>Records that are not readable protobuf records, in the order met.</summary>
    public IReadOnlyList<RunEvent> Skipped => _skipped;

    public WandbRunRecord? Run { get; private set; }

    public WandbRunExitRecord? Exit { get; private set; }

    public bool Final { get; private set; }

    public bool Footer { get; private set; }

    public bool Preempted { get; private set; }

    public int Records { get; private set; }

    public int HistoryRows { get; private set; }

    public long? LastStep { get; private set; }

    public double LastEpoch { get; private set; } = double.NaN;

    public double LastTimestamp { get; private set; } = double.NaN;

    /// <summary>Reads the records <paramref name="log"/> has left (of <paramref name="file"/>, <paramref name="total"/>
    /// bytes, for progress).</summary>
    public void Read(WandbLogReader log, string file, long total, ImportContext context, CancellationToken cancellationToken)
    {
        var lastReport = log.Position;
        while (log.Next(cancellationToken) is { } rec)
        {
            WandbRecord record;
            try
            {
                record = WandbRecord.Parser.ParseFrom(rec.Payload.Span);
            }
            catch (InvalidProtocolBufferException ex)
            {
                _skipped.Add(new RunEvent(RunEventKind.ImportDamage,
                    "A record is not a readable W&B protobuf record (" + ex.Message.TrimEnd('.') + "); skipped.", File: file,
                    Location: string.Create(CultureInfo.InvariantCulture, $"offset {rec.Offset}")));
                continue;
            }

            Records++;
            Apply(record);
            if (log.Position - lastReport >= 1 << 20)
            {
                lastReport = log.Position;
                context.Report(file, lastReport, total);
            }
        }

        context.Report(file, total, total);
    }

    private void Apply(WandbRecord record)
    {
        switch (record.RecordTypeCase)
        {
            case WandbRecord.RecordTypeOneofCase.History:
                AddHistory(record.History);
                break;
            case WandbRecord.RecordTypeOneofCase.Summary:
                ApplySummary(record.Summary);
                break;
            case WandbRecord.RecordTypeOneofCase.Config:
                WandbConfigReader.Apply(record.Config, Config);
                break;
            case WandbRecord.RecordTypeOneofCase.Stats:
                Stats.Add(record.Stats);
                break;
            case WandbRecord.RecordTypeOneofCase.Run:
                Run ??= record.Run;
                if (record.Run.Config is { } c)
                {
                    WandbConfigReader.Apply(c, Config);
                }

                if (record.Run.Summary is { } s)
                {
                    ApplySummary(s);
                }

                break;
            case WandbRecord.RecordTypeOneofCase.Exit:
                Exit = record.Exit;
                break;
            case WandbRecord.RecordTypeOneofCase.Final:
                Final = true;
                break;
            case WandbRecord.RecordTypeOneofCase.Footer:
                Footer = true;
                break;
            case WandbRecord.RecordTypeOneofCase.Preempting:
                Preempted = true;
                break;
        }
    }

    private void ApplySummary(WandbSummaryRecord summary)
    {
        foreach (var item in summary.Update)
        {
            var key = WandbItems.Name(item);
            if (key.Length > 0 && PythonJson.TryParseNumber(item.ValueJson, out var v))
            {
                Summary[key] = v;
            }
        }

        foreach (var item in summary.Remove)
        {
            Summary.Remove(WandbItems.Name(item));
        }
    }

    private void AddHistory(WandbHistoryRecord history)
    {
        double? trainerStep = null;
        var trainerStepRank = int.MaxValue;
        double? rowStep = null;
        var epoch = double.NaN;
        var timestamp = double.NaN;
        var runtime = double.NaN;
        var values = new List<(string Name, double Value)>(history.Item.Count);
        foreach (var item in history.Item)
        {
            var name = WandbItems.Name(item);
            if (name.Length == 0 || !PythonJson.TryParseNumber(item.ValueJson, out var v))
            {
                continue;
            }

            var rank = Array.IndexOf(StepKeys, name);
            if (rank >= 0)
            {
                if (rank < trainerStepRank)
                {
                    trainerStep = v;
                    trainerStepRank = rank;
                }
            }
            else if (Array.IndexOf(EpochKeys, name) >= 0)
            {
                epoch = v;
            }
            else if (name == "_step")
            {
                rowStep = v;
            }
            else if (name == "_timestamp")
            {
                timestamp = v;
            }
            else if (name == "_runtime")
            {
                runtime = v;
            }
            else if (!name.StartsWith('_'))
            {
                values.Add((name, v));
            }
        }

        var step = ToStep(trainerStep) ?? ToStep(rowStep) ?? (history.Step is { } hs ? hs.Num : HistoryRows);
        if (!double.IsFinite(timestamp) && double.IsFinite(runtime) && Run?.StartTime is { } st && st.Seconds > 0)
        {
            timestamp = st.Seconds + (st.Nanos / 1e9) + runtime;
        }

        foreach (var (name, v) in values)
        {
            Series.Add(name, step, v, epoch, timestamp);
        }

        HistoryRows++;
        LastStep = LastStep is { } last ? Math.Max(last, step) : step;
        if (!double.IsNaN(epoch))
        {
            LastEpoch = epoch;
        }

        if (double.IsFinite(timestamp))
        {
            LastTimestamp = timestamp;
        }
    }

    /// <summary>A step read as a number: rounded, or null when it is not a usable step.</summary>
    public static long? ToStep(double? v) =>
        v is { } d && double.IsFinite(d) && Math.Abs(d) < 9e18 ? (long)Math.Round(d) : null;
}
