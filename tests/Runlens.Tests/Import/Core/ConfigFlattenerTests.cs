using System.Text.Json.Nodes;
using Runlens.Import.Core;
using Runlens.Model;

namespace Runlens.Tests.Import.Core;

/// <summary>
/// The one config policy (docs/config.md). Expected array texts are what Python's <c>json.dumps(value,
/// ensure_ascii=False)</c> prints for the same value, and non-whole number texts what Python's <c>repr(float)</c> prints
/// (both checked with Debian's python3); whole numbers are written without a fraction, as documented.
/// </summary>
public sealed class ConfigFlattenerTests
{
    private static Dictionary<string, ConfigValue> Flatten(string json) => ConfigFlattener.Flatten(PythonJson.Parse(json, out _));

    [Fact]
    public void Nested_objects_become_dotted_keys_and_an_empty_object_gives_no_key()
    {
        var c = Flatten("""{"optimizer": {"name": "adamw", "betas": {"b1": 0.9}}, "extra": {}, "seed": 42}""");

        Assert.Equal(["optimizer.betas.b1", "optimizer.name", "seed"], c.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("adamw", c["optimizer.name"].Text);
        Assert.Equal(0.9, c["optimizer.betas.b1"].Number);
    }

    [Fact]
    public void An_array_is_one_value_written_as_pythons_json_dumps_writes_it()
    {
        var c = Flatten(""""
            {"betas": [0.9, 0.999], "report_to": ["tensorboard", "wandb"], "none": [], "nested": [[["global", "local"], 12]],
             "odd": ["a\"b", "c\\d", "e\nf", "ü"], "objects": {"k": [1, {"a": null}]}}
            """");

        Assert.Equal("[0.9, 0.999]", c["betas"].Text);
        Assert.Equal("""["tensorboard", "wandb"]""", c["report_to"].Text);
        Assert.Equal("[]", c["none"].Text);
        Assert.Equal("""[[["global", "local"], 12]]""", c["nested"].Text);
        Assert.Equal("""["a\"b", "c\\d", "e\nf", "ü"]""", c["odd"].Text);
        Assert.Equal("""[1, {"a": null}]""", c["objects.k"].Text);
        Assert.All(c.Values, v => Assert.Equal(ConfigValueKind.String, v.Kind));
    }

    [Fact]
    public void A_very_long_array_is_cut_and_says_so()
    {
        var json = "{\"ids\": [" + string.Join(", ", Enumerable.Range(0, 5_000)) + "]}";
        var text = Flatten(json)["ids"].Text;

        Assert.Equal(ConfigFlattener.MaxText + 1, text.Length);
        Assert.EndsWith("…", text, StringComparison.Ordinal);
        Assert.StartsWith("[0, 1, 2, ", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("5e-05", "5e-05")]
    [InlineData("5.0e-05", "5e-05")]
    [InlineData("0.00005", "5e-05")]
    [InlineData("3.0", "3")]
    [InlineData("0.0", "0")]
    [InlineData("-0.0", "0")]
    [InlineData("2.5", "2.5")]
    [InlineData("1.5e20", "1.5e+20")]
    [InlineData("1e16", "1e+16")]
    [InlineData("0.0001", "0.0001")]
    [InlineData("123456.789", "123456.789")]
    [InlineData("12345678901234567890", "12345678901234567890")]
    [InlineData("1234567890123456.8", "1234567890123456.8")]
    [InlineData("1.5e-07", "1.5e-07")]
    [InlineData("0.000123", "0.000123")]
    [InlineData("-2.5e-10", "-2.5e-10")]
    [InlineData("3.14159", "3.14159")]
    [InlineData("007", "7")]
    [InlineData("nan", "NaN")]
    [InlineData("-inf", "-Infinity")]
    [InlineData("Infinity", "Infinity")]
    public void A_number_has_one_text_whatever_the_file_wrote(string written, string canonical)
    {
        var value = ConfigScalars.FromText(written);

        Assert.Equal(ConfigValueKind.Number, value.Kind);
        Assert.Equal(canonical, value.Text);
        // the text reads back as the same value, so a store that keeps the text keeps the value
        Assert.Equal(value, ConfigValue.Parse(value.Text));
    }

    [Fact]
    public void The_same_number_from_a_double_and_from_text_is_the_same_value()
    {
        Assert.Equal(ConfigScalars.FromText("5.0e-05"), ConfigScalars.Number(5e-05));
        Assert.Equal(ConfigScalars.FromText("16"), ConfigScalars.Number(16.0));
        Assert.Equal(ConfigScalars.FromText("1e-07"), ConfigFlattener.Value(JsonValue.Create(1e-07)));
        Assert.Equal(ConfigScalars.FromText("42"), ConfigFlattener.Value(JsonValue.Create(42)));
    }

    [Theory]
    [InlineData("None", ConfigValueKind.Null)]
    [InlineData("null", ConfigValueKind.Null)]
    [InlineData("~", ConfigValueKind.Null)]
    [InlineData("True", ConfigValueKind.Boolean)]
    [InlineData("false", ConfigValueKind.Boolean)]
    [InlineData("adamw_torch", ConfigValueKind.String)]
    [InlineData("0x10", ConfigValueKind.String)]
    [InlineData("1,000", ConfigValueKind.String)]
    [InlineData("1e-3", ConfigValueKind.Number)]
    [InlineData("yes", ConfigValueKind.String)]
    public void Untyped_text_is_typed_the_same_way_everywhere(string text, ConfigValueKind kind) =>
        Assert.Equal(kind, ConfigScalars.FromText(text).Kind);

    [Fact]
    public void Flat_text_values_read_python_lists_tuples_and_dicts_and_slashes_as_nesting()
    {
        var c = new Dictionary<string, ConfigValue>(StringComparer.Ordinal);
        ConfigFlattener.FlattenText("betas", "(0.9, 0.999)", c);
        ConfigFlattener.FlattenText("report_to", "['tensorboard', \"wandb\"]", c);
        ConfigFlattener.FlattenText("sched", "{'power': 2.0, 'cycle': True, 'name': None}", c);
        ConfigFlattener.FlattenText("model/hidden_sizes", "[256, 128]", c);
        ConfigFlattener.FlattenText("optimizer", "Adam(lr=0.1)", c);
        ConfigFlattener.FlattenText("broken", "[1, 2", c);
        ConfigFlattener.FlattenText("single", "(1,)", c);

        Assert.Equal("[0.9, 0.999]", c["betas"].Text);
        Assert.Equal("""["tensorboard", "wandb"]""", c["report_to"].Text);
        Assert.Equal(2, c["sched.power"].Number);
        Assert.True(c["sched.cycle"].Boolean);
        Assert.Equal(ConfigValueKind.Null, c["sched.name"].Kind);
        Assert.Equal("[256, 128]", c["model.hidden_sizes"].Text);
        Assert.Equal("Adam(lr=0.1)", c["optimizer"].Text);
        Assert.Equal("[1, 2", c["broken"].Text);
        Assert.Equal("[1]", c["single"].Text);
    }
}
