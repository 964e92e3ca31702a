using System.Collections;
using System.Collections.Immutable;
using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Runlens.Analysis.Comparison;
using Runlens.Analysis.Diagnoses;
using Runlens.Analysis.Findings;
using Runlens.Analysis.Sweeps;
using Runlens.Import;
using Runlens.Model;
using Runlens.Reports.Contracts;
using Runlens.Tests.Support;

namespace Runlens.Tests.Contracts;

/// <summary>
/// The generated writers (<c>ContractJsonWriter</c>, <c>EvidenceJsonContextWriter</c>, from src/Runlens.JsonWriterGenerator)
/// write exactly the bytes System.Text.Json writes from the same contexts' metadata: for every root type of both contexts
/// built with awkward values (NaN and ±Infinity, nulls, empty and non-empty lists, non-ASCII and quotes), and for the
/// documents of every example run and shared real fixture, compact and indented. The reference is System.Text.Json itself.
/// </summary>
public sealed class GeneratedJsonWriterTests
{
    private static readonly JsonWriterOptions[] WriterOptions =
    [
        new(),
        ContractJson.WriterOptions(indented: true),
        ContractJson.WriterOptions(indented: false),
    ];

    public static TheoryData<int> Variants => [0, 1, 2];

    [Theory]
    [MemberData(nameof(Variants))]
    public void Every_evidence_record_is_written_byte_for_byte_as_system_text_json_writes_it(int variant)
    {
        var types = typeof(Evidence).Assembly.GetTypes().Where(t => t.IsSubclassOf(typeof(Evidence)) && !t.IsAbstract).ToList();
        Assert.True(types.Count >= 40, $"{types.Count} evidence records");
        foreach (var type in types)
        {
            var value = (Evidence)Build(type, variant, 0)!;
            foreach (var options in WriterOptions)
            {
                var expected = Bytes(options, w => JsonSerializer.Serialize(w, value, EvidenceJson.TypeInfo(type)));
                var actual = Bytes(options, w => EvidenceJson.Write(w, value));
                Assert.True(expected == actual, $"{type.Name} (variant {variant}):\nSystem.Text.Json {expected}\ngenerated        {actual}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void Every_contract_root_is_written_byte_for_byte_as_system_text_json_writes_it(int variant)
    {
        var roots = typeof(ContractJson).GetCustomAttributesData()
            .Where(a => a.AttributeType == typeof(System.Text.Json.Serialization.JsonSerializableAttribute))
            .Select(a => (Type)a.ConstructorArguments[0].Value!).ToList();
        Assert.True(roots.Count >= 10, $"{roots.Count} roots");
        foreach (var type in roots)
        {
            var value = Build(type, variant, 0);
            foreach (var (options, context) in new[] { (ContractJson.WriterOptions(true), ContractJson.Indented), (ContractJson.WriterOptions(false), ContractJson.Compact) })
            {
                var info = context.GetTypeInfo(type)!;
                var expected = Bytes(options, w => JsonSerializer.Serialize(w, value, info));
                var actual = Bytes(options, w => Assert.True(ContractJsonWriter.TryWrite(w, value!)));
                Assert.True(expected == actual, $"{type.Name} (variant {variant}):\nSystem.Text.Json {expected}\ngenerated        {actual}");
            }
        }
    }

    [Fact]
    public async Task The_documents_of_every_example_run_are_written_byte_for_byte_as_system_text_json_writes_them()
    {
        var runs = new List<Run>();
        foreach (var folder in Fixtures.RunExamples().Order(StringComparer.Ordinal))
        {
            runs.AddRange((await ImporterCatalog.ImportAsync(folder)).Runs);
        }

        CheckDocuments(runs);
    }

    [SharedFact]
    public async Task The_documents_of_every_shared_real_fixture_are_written_byte_for_byte_as_system_text_json_writes_them()
    {
        var runs = new List<Run>();
        foreach (var folder in Directory.GetDirectories(Fixtures.SharedReal!).Order(StringComparer.Ordinal))
        {
            try
            {
                runs.AddRange((await ImporterCatalog.ImportAsync(folder)).Runs);
            }
            catch (RunImportException)
            {
                // a folder of predictions, or with nothing to import (the importers' own tests cover it)
            }
        }

        Assert.True(runs.Count >= 35, $"{runs.Count} runs");
        CheckDocuments(runs);
    }

    private static void CheckDocuments(IReadOnlyList<Run> runs)
    {
        var diagnoser = new Diagnoser();
        var diagnoses = runs.Select(r => diagnoser.Diagnose(r)).ToList();
        foreach (var d in diagnoses)
        {
            Same(DiagnosisDocument.From(d), ContractJson.Indented.DiagnosisDocument, ContractJson.Compact.DiagnosisDocument, ContractJsonWriter.Write, d.Run.Identity.Id);
        }

        Same(DiagnosesDocument.From(diagnoses), ContractJson.Indented.DiagnosesDocument, ContractJson.Compact.DiagnosesDocument, ContractJsonWriter.Write, "diagnoses");
        Same(ComparisonDocument.From(ExperimentComparison.Of(runs)), ContractJson.Indented.ComparisonDocument, ContractJson.Compact.ComparisonDocument,
            ContractJsonWriter.Write, "comparison");
        Same(ImpactDocument.From(ImpactAnalyzer.Analyze(runs, new ImpactOptions { Metric = "val/loss" })), ContractJson.Indented.ImpactDocument,
            ContractJson.Compact.ImpactDocument, ContractJsonWriter.Write, "impact");
    }

    private static void Same<T>(T value, JsonTypeInfo<T> indented, JsonTypeInfo<T> compact, Action<Utf8JsonWriter, T> write, string what)
    {
        foreach (var (options, info) in new[] { (ContractJson.WriterOptions(true), indented), (ContractJson.WriterOptions(false), compact) })
        {
            var expected = Bytes(options, w => JsonSerializer.Serialize(w, value, info));
            var actual = Bytes(options, w => write(w, value));
            Assert.True(expected == actual, $"{what}: the generated writer differs from System.Text.Json at {Diverges(expected, actual)}");
        }
    }

    private static string Diverges(string a, string b)
    {
        var i = 0;
        while (i < a.Length && i < b.Length && a[i] == b[i])
        {
            i++;
        }

        var from = Math.Max(0, i - 80);
        return $"offset {i}:\nSystem.Text.Json …{a[from..Math.Min(a.Length, i + 80)]}\ngenerated        …{b[from..Math.Min(b.Length, i + 80)]}";
    }

    private static string Bytes(JsonWriterOptions options, Action<Utf8JsonWriter> write)
    {
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms, options))
        {
            write(w);
        }

        return Encoding.UTF8.GetString(ms.ToArray());
    }

    /// <summary>A value of <paramref name="type"/> whose fields take awkward values: variant 0 finite numbers and non-ASCII
    /// text, variant 1 nulls, NaN and empty lists, variant 2 infinities and negative numbers.</summary>
    private static object? Build(Type type, int variant, int depth)
    {
        if (Nullable.GetUnderlyingType(type) is { } inner)
        {
            return variant == 1 ? null : Build(inner, variant, depth);
        }

        if (type == typeof(string))
        {
            return variant switch { 1 => null, 2 => "", _ => "val/loss é → \"q\" <b>&\n" };
        }

        if (type == typeof(double))
        {
            return variant switch { 1 => double.NaN, 2 => double.NegativeInfinity, _ => 1234.5678e-9 };
        }

        if (type == typeof(float))
        {
            return variant switch { 1 => float.NaN, 2 => float.PositiveInfinity, _ => 0.1f };
        }

        if (type == typeof(int) || type == typeof(long))
        {
            return Convert.ChangeType(variant == 2 ? -3 : 1200, type, System.Globalization.CultureInfo.InvariantCulture);
        }

        if (type == typeof(bool))
        {
            return variant == 0;
        }

        if (type == typeof(DateTimeOffset))
        {
            return new DateTimeOffset(2026, 3, 1, 10, 0, 0, 123, TimeSpan.FromHours(variant));
        }

        if (type.IsEnum)
        {
            return Enum.GetValues(type).GetValue(variant % Enum.GetValues(type).Length);
        }

        if (type == typeof(ConfigValue))
        {
            return variant switch { 1 => ConfigValue.Null, 2 => ConfigValue.Of(double.NaN), _ => ConfigValue.Of("adamw é") };
        }

        if (type == typeof(Evidence))
        {
            return variant == 1 ? Evidence.Empty : Build(typeof(Runlens.Analysis.Rules.LearningDynamics.OverfittingEvidence), variant, depth + 1);
        }

        if (type.IsGenericType && type.GetGenericArguments() is [var key, var item] && key == typeof(string)
            && typeof(IEnumerable).IsAssignableFrom(type))
        {
            var dict = (IDictionary)Activator.CreateInstance(typeof(Dictionary<,>).MakeGenericType(key, item))!;
            if (variant != 1 && depth < 4)
            {
                dict["b_key é"] = Build(item, variant, depth + 1);
                dict["a \"key\""] = Build(item, (variant + 1) % 3, depth + 1);
            }

            return dict;
        }

        if (type.IsArray || (type.IsGenericType && typeof(IEnumerable).IsAssignableFrom(type)))
        {
            var element = type.IsArray ? type.GetElementType()! : type.GetGenericArguments()[0];
            var items = variant == 1 || depth >= 4 ? [] : new[] { Build(element, variant, depth + 1), Build(element, (variant + 1) % 3, depth + 1) };
            var array = Array.CreateInstance(element, items.Length);
            for (var i = 0; i < items.Length; i++)
            {
                array.SetValue(items[i], i);
            }

            if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(ImmutableArray<>))
            {
                return typeof(ImmutableArray).GetMethods().First(m => m.Name == "Create" && m.GetParameters() is [{ ParameterType.IsArray: true }])
                    .MakeGenericMethod(element).Invoke(null, [array]);
            }

            return type.IsAssignableFrom(array.GetType()) ? array : Activator.CreateInstance(type, array);
        }

        if (!type.IsValueType && variant == 1 && depth > 0)
        {
            return null;
        }

        var ctor = type.GetConstructors().OrderByDescending(c => c.GetParameters().Length).First();
        return ctor.Invoke([.. ctor.GetParameters().Select(p => Build(p.ParameterType, variant, depth + 1))]);
    }
}
