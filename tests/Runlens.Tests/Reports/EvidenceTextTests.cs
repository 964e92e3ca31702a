using Runlens.Analysis.Rules.DataAndLabels;
using Runlens.Analysis.Rules.LearningDynamics;
using Runlens.Reports;

namespace Runlens.Tests.Reports;

/// <summary>People read evidence as short text made from its fields: lists of records as readable items, steps with
/// separators, fractions and relative changes as percentages, unknowns left out.</summary>
public sealed class EvidenceTextTests
{
    [Fact]
    public void A_list_of_suspected_labels_reads_as_one_short_item_per_example()
    {
        var evidence = new LabelNoiseEvidence("validation-predictions", 2000, 201, 0.1005, 0.13, 0.05, 4, 0.83,
            [new ClassThreshold("2", 0, double.NaN), new ClassThreshold("3", 120, 0.8123)],
            [new LabelPair("3", "2", 19)],
            [new SuspectedLabel("268", "3", "2", 0.01009, 0.9022, 0.8921), new SuspectedLabel("17", "2", "3", 0.1, 0.85, 0.75)],
            double.NaN, 0.15);
        var items = EvidenceText.Items(evidence).ToDictionary(i => i.Label, i => i.Value);

        Assert.Equal("268: given 3, suspected 2, p given 0.01009, p suspected 0.9022, margin 0.8921; 17: given 2, suspected 3, p given 0.1, p suspected 0.85, margin 0.75",
            items["suspected examples"]);
        Assert.Equal("3: suspected 2, count 19", items["top pairs"]);
        // A NaN field inside an item is left out, as a NaN field of the record is.
        Assert.Equal("2: labelled examples 0; 3: labelled examples 120, confidence threshold 0.8123", items["class thresholds"]);
        Assert.Equal("10%", items["issue fraction"]);
        Assert.Equal("13%", items["estimated noise fraction"]);
        Assert.Equal("2000", items["examples"]);
    }

    [Fact]
    public void Steps_get_separators_nulls_and_nan_are_left_out_and_number_lists_keep_their_order()
    {
        var evidence = new DivergenceNonFiniteEvidence("train/loss", 12030, double.NaN, 3, 40, null, null, ["val/loss", "val/g1_loss"]);
        var items = EvidenceText.Items(evidence).ToList();

        Assert.Equal(
            [("series", "train/loss"), ("first non finite step", "12,030"), ("non finite points", "3"), ("points", "40"), ("other series", "val/loss, val/g1_loss")],
            items);
    }

    [Fact]
    public void Config_changes_quote_text_as_the_json_serializer_does()
    {
        const string awkward = "adamw é → \"q\" <b>&\n";
        var changes = new[]
        {
            new Runlens.Analysis.Findings.ConfigChange("optim", Runlens.Model.ConfigValue.Of("sgd"), Runlens.Model.ConfigValue.Of(awkward)) { Destination = "Trainer <\"x\">" },
        };
        var text = EvidenceText.ChangesJson(changes);

        Assert.Contains(System.Text.Json.JsonSerializer.Serialize("Trainer <\"x\">") + ": {", text, StringComparison.Ordinal);
        Assert.Contains("\"to\": " + System.Text.Json.JsonSerializer.Serialize(awkward) + "}", text, StringComparison.Ordinal);
    }
}
