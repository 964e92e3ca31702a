using System.Text.Json;
using Runlens.Analysis.Diagnoses;
using Runlens.Live.Control;
using Runlens.Model;
using Runlens.Reports.Contracts;
using Runlens.Tests.Support;

namespace Runlens.Tests.Contracts;

/// <summary>The rules every contract is written by: one null rule for the run object, NaN and infinities as strings in
/// both the indented and the compact forms, and documents that read back into the records that wrote them.</summary>
public sealed class ContractJsonTests
{
    private static readonly string[] RunFields =
        ["id", "name", "experiment", "parent_id", "source", "status", "start_time", "end_time", "config", "global_step", "epochs", "max_steps",
         "num_train_epochs", "trainer", "checkpoints", "dataset", "summary", "events"];

    private static readonly string[] TrainerFields =
        ["global_step", "epoch", "max_steps", "num_train_epochs", "train_batch_size", "best_metric_key", "best_metric", "best_step",
         "best_checkpoint", "early_stopping", "should_training_stop"];

    [Fact]
    public void The_run_object_of_a_run_that_records_nothing_writes_every_field_with_null()
    {
        var run = new Run { Identity = new RunIdentity("r1", "r1", null, new RunSource("csv", "r1.csv")) };
        using var doc = JsonDocument.Parse(JsonSerializer.Serialize(RunJson.From(run), ContractJson.Compact.RunJson));
        var root = doc.RootElement;
        Assert.Equal(RunFields, root.EnumerateObject().Select(p => p.Name));
        foreach (var field in new[] { "experiment", "parent_id", "start_time", "end_time", "global_step", "epochs", "max_steps", "num_train_epochs" })
        {
            Assert.Equal(JsonValueKind.Null, root.GetProperty(field).ValueKind);
        }

        Assert.Equal(TrainerFields, root.GetProperty("trainer").EnumerateObject().Select(p => p.Name));
        Assert.All(root.GetProperty("trainer").EnumerateObject(), p => Assert.Equal(JsonValueKind.Null, p.Value.ValueKind));
        Assert.Equal(["train_examples", "eval_examples", "test_examples"], root.GetProperty("dataset").EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public void An_event_kind_is_written_in_snake_case_with_every_field()
    {
        var json = JsonSerializer.Serialize(EventJson.From(new RunEvent(RunEventKind.ImportDamage, "cut short")), ContractJson.Compact.EventJson);
        Assert.Equal("""{"kind":"import_damage","message":"cut short","step":null,"file":null,"location":null}""", json);
    }

    [Fact]
    public void Non_finite_values_are_strings_in_documents_and_in_compact_answers()
    {
        var d = new Diagnoser().Diagnose(new RunBuilder()
            .Series("train/loss", 10, 2.0, double.NaN, double.PositiveInfinity, double.NegativeInfinity)
            .Config("learning_rate", double.PositiveInfinity)
            .Build());
        var doc = DiagnosisDocument.From(d);
        foreach (var context in new[] { ContractJson.Indented, ContractJson.Compact })
        {
            using var parsed = JsonDocument.Parse(JsonSerializer.Serialize(doc, context.DiagnosisDocument));
            var stats = parsed.RootElement.GetProperty("metrics").GetProperty("train/loss");
            Assert.Equal("-Infinity", stats.GetProperty("last").GetProperty("value").GetString());
            Assert.Equal("Infinity", parsed.RootElement.GetProperty("run").GetProperty("config").GetProperty("learning_rate").GetString());
        }

        Assert.Equal("""{"step":3,"value":"NaN"}""", JsonSerializer.Serialize(new PointJson(3, double.NaN), ContractJson.Compact.PointJson));
    }

    [Fact]
    public void Text_is_written_as_is_not_escaped()
    {
        var json = JsonSerializer.Serialize(new AlertRunJson("r<1>", "loss → 0 & «done»"), ContractJson.Compact.AlertRunJson);
        Assert.Equal("""{"id":"r<1>","name":"loss → 0 & «done»"}""", json);
    }

    [Fact]
    public void A_control_document_reads_back_into_the_actions_that_wrote_it()
    {
        var at = new DateTimeOffset(2026, 3, 1, 10, 0, 0, TimeSpan.Zero);
        var doc = ControlDocument.Empty("run-1")
            .With(new ControlAction("a1", ControlVerb.ReduceLr, "loss plateaued", at, "RL0104", "Plateau", 1200, 0.5))
            .With(new ControlAction("a2", ControlVerb.Rollback, "past the best", at.AddMinutes(1), Checkpoint: "out/checkpoint-800"));
        var json = doc.ToJson();
        var back = ControlDocument.Parse(json);
        Assert.Equal(doc.Run, back.Run);
        Assert.Equal(doc.Actions, back.Actions);
        // fields that do not apply to an action are left out of it
        using var parsed = JsonDocument.Parse(json);
        Assert.Equal(["id", "action", "reason", "checkpoint", "issued_at"], parsed.RootElement.GetProperty("actions")[1].EnumerateObject().Select(p => p.Name));
    }

    [Theory]
    [InlineData("{", "not JSON")]
    [InlineData("""{"schema": "runlens.control/v2", "actions": []}""", "not a control document")]
    [InlineData("""{"schema": "runlens.control/v1", "actions": [{"id": "a1", "action": "explode"}]}""", "actions[0]")]
    [InlineData("""{"schema": "runlens.control/v1", "actions": [{"id": "a1", "action": "stop", "step": "late"}]}""", "$.actions[0].step")]
    public void A_text_that_is_not_a_control_document_says_where_and_why(string text, string expected)
    {
        var ex = Assert.Throws<FormatException>(() => ControlDocument.Parse(text));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_schema_has_its_metadata_in_the_context()
    {
        foreach (var t in new[] { typeof(DiagnosisDocument), typeof(DiagnosesDocument), typeof(EvaluationDocument), typeof(EvaluationSetDocument),
                     typeof(ComparisonDocument), typeof(ImpactDocument), typeof(ChangePointsDocument), typeof(AlertJson), typeof(RunSummary) })
        {
            Assert.NotNull(ContractJson.Compact.GetTypeInfo(t));
            Assert.NotNull(ContractJson.Indented.GetTypeInfo(t));
        }
    }
}
