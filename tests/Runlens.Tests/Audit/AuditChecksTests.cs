using Runlens.Audit;
using Runlens.Audit.Results;

namespace Runlens.Tests.Audit;

/// <summary>
/// Every check fires on the media made to trip it and on nothing else: each example's flags must equal the flags the
/// generator says it was made with (blur and brightness expectations come from OpenCV and NumPy, copies from how they
/// were made), so each check is shown both firing and not firing on real photographs, speech, text and tables.
/// </summary>
public sealed class AuditChecksTests
{
    private static async Task<AuditResult> AuditAsync(string folder, AuditOptions? options = null) =>
        await AuditRunner.RunAsync(AuditMedia.Path(folder), options ?? new AuditOptions());

    private static void AssertFlagsAsMade(AuditResult result, string folder)
    {
        var prefix = AuditMedia.Root.TrimEnd('/') + "/";
        var got = result.Examples.ToDictionary(e => e.Path[prefix.Length..], e => e.Flags.ToArray());
        var expected = AuditMedia.Expected.Where(kv => kv.Key.StartsWith(folder + "/", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(expected);
        var wrong = expected
            .Where(kv => !got.TryGetValue(kv.Key, out var flags) || !flags.SequenceEqual(kv.Value))
            .Select(kv => $"{kv.Key}: expected [{string.Join(", ", kv.Value)}], got [{string.Join(", ", got.GetValueOrDefault(kv.Key) ?? ["(missing)"])}]")
            .ToList();
        Assert.True(wrong.Count == 0, string.Join("\n", wrong));
        Assert.Equal(expected.Count, got.Count(kv => result.Examples.First(e => e.Path.EndsWith(kv.Key, StringComparison.Ordinal)).Kind != "table"));
    }

    [MediaFact]
    public async Task Each_damaged_image_is_flagged_by_exactly_the_checks_it_was_made_to_trip()
    {
        var result = await AuditAsync("dirty");
        AssertFlagsAsMade(result, "dirty");
        Assert.Equal("critical", result.Summary.Status);
    }

    [MediaFact]
    public async Task Clean_images_in_balanced_splits_raise_no_finding()
    {
        var result = await AuditAsync("clean");
        Assert.Empty(result.Findings);
        Assert.Equal("healthy", result.Summary.Status);
        Assert.All(result.Examples, e => Assert.Null(e.Error));
        AssertFlagsAsMade(result, "clean");
    }

    [MediaFact]
    public async Task Each_audio_file_is_flagged_by_exactly_the_checks_it_was_made_to_trip()
    {
        var result = await AuditAsync("audio");
        AssertFlagsAsMade(result, "audio");
        Assert.Contains(result.Examples, e => e.Path.EndsWith(".flac", StringComparison.Ordinal) && e.Error is null && e.Duration > 0.5);
        Assert.Contains(result.Examples, e => e.Path.EndsWith(".ogg", StringComparison.Ordinal) && e.Error is null && e.Duration > 0.5);
        Assert.Contains(result.Examples, e => e.Path.EndsWith(".mp3", StringComparison.Ordinal) && e.Error is null && e.Duration > 0.5);
    }

    [MediaFact]
    public async Task Each_text_row_is_flagged_by_exactly_the_checks_it_was_made_to_trip()
    {
        var result = await AuditAsync("text");
        AssertFlagsAsMade(result, "text");
        var tokens = result.Examples.Where(e => e.Tokens is not null).Max(e => e.Tokens!.Value);
        Assert.True(tokens > 512, $"the whole GPL-3 is {tokens} tokens");
    }

    [MediaFact]
    public async Task A_sorted_id_column_missing_values_a_sentinel_and_a_constant_column_are_found_in_a_real_table()
    {
        var result = await AuditAsync("tab");
        AssertFlagsAsMade(result, "tab");
        var id = Assert.Single(result.Findings, f => f.Rule == "id-predicts-label");
        Assert.Equal("id", Assert.IsType<IdColumnEvidence>(id.Evidence).Column);
        Assert.Contains(Assert.Single(result.Findings, f => f.Rule == "missing-values").Issues, i => i.File.EndsWith(":petal_width", StringComparison.Ordinal));
        Assert.Contains(Assert.Single(result.Findings, f => f.Rule == "constant-column").Issues, i => i.File.EndsWith(":source", StringComparison.Ordinal));
        Assert.Single(result.Findings, f => f.Rule == "label-drift");
    }

    [MediaFact]
    public async Task A_shuffled_table_with_random_ids_raises_only_its_real_duplicate_rows()
    {
        var result = await AuditAsync("tabclean");
        AssertFlagsAsMade(result, "tabclean");
        Assert.DoesNotContain(result.Findings, f => f.Rule is "id-predicts-label" or "missing-values" or "constant-column" or "out-of-range-values" or "label-drift" or "class-balance");
    }

    [MediaFact]
    public async Task Class_balance_fires_on_a_split_with_a_class_twenty_times_larger_and_not_on_balanced_splits()
    {
        var dirty = await AuditAsync("dirty");
        var f = Assert.Single(dirty.Findings, f => f.Rule == "class-balance");
        var train = Assert.IsType<ClassBalanceEvidence>(f.Evidence).Splits.Single(s => s.Split == "train");
        Assert.Equal(("people", "rare", 20.0), (train.Largest, train.Smallest, train.Ratio));
        Assert.DoesNotContain((await AuditAsync("clean")).Findings, x => x.Rule == "class-balance");
    }

    [MediaFact]
    public async Task Label_drift_equals_scipys_chi_square_test_of_the_same_table()
    {
        var result = await AuditAsync("tab");
        var e = Assert.IsType<LabelDriftEvidence>(Assert.Single(result.Findings, f => f.Rule == "label-drift").Evidence);
        var reference = AuditMedia.Reference.GetProperty("chi_square");
        Assert.Equal(reference.GetProperty("statistic").GetDouble(), e.ChiSquare, 1e-9);
        Assert.Equal(reference.GetProperty("dof").GetInt32(), e.DegreesOfFreedom);
        var p = reference.GetProperty("p").GetDouble();
        Assert.True(Math.Abs(e.PValue - p) <= 1e-9 * p, $"p {e.PValue} vs scipy {p}");
    }

    [MediaFact]
    public async Task Blur_brightness_and_contrast_equal_OpenCVs_exactly_on_PNGs_and_within_half_a_percent_on_JPEGs()
    {
        var prefix = AuditMedia.Root.TrimEnd('/') + "/";
        var results = new Dictionary<string, AuditResult>(StringComparer.Ordinal);
        var checkedCount = 0;
        foreach (var r in AuditMedia.Reference.GetProperty("blur").EnumerateObject())
        {
            var folder = r.Name[..r.Name.IndexOf('/', StringComparison.Ordinal)];
            if (!results.TryGetValue(folder, out var result))
            {
                results[folder] = result = await AuditAsync(folder);
            }

            var e = result.Examples.Single(x => x.Path == prefix + r.Name);
            // PNG pixels are the same for every decoder; JPEG decoders differ in the last bit of some pixels (Skia's
            // libjpeg-turbo settings are not OpenCV's), so JPEGs are compared within 0.5%.
            var png = e.Format == "png";
            var blur = r.Value.GetProperty("blur").GetDouble();
            Assert.Equal(blur, e.Blur!.Value, (png ? 1e-9 : 5e-3) * Math.Max(1, blur));
            Assert.Equal(r.Value.GetProperty("brightness").GetDouble(), e.Brightness!.Value, png ? 1e-9 : 0.5);
            Assert.Equal(r.Value.GetProperty("contrast").GetDouble(), e.Contrast!.Value, png ? 1e-9 : 0.5);
            checkedCount++;
        }

        Assert.True(checkedCount > 130, $"{checkedCount} images compared");
    }

    [MediaFact]
    public async Task Audio_levels_and_durations_equal_NumPys_on_the_PCM_and_the_decoded_FLAC()
    {
        var result = await AuditAsync("audio");
        var prefix = AuditMedia.Root.TrimEnd('/') + "/";
        foreach (var r in AuditMedia.Reference.GetProperty("audio").EnumerateObject())
        {
            var e = result.Examples.Single(x => x.Path == prefix + r.Name);
            Assert.Equal(r.Value.GetProperty("duration").GetDouble(), e.Duration!.Value, 1e-9);
            Assert.Equal(r.Value.GetProperty("rate").GetInt32(), e.SampleRate);
            Assert.Equal(r.Value.GetProperty("channels").GetInt32(), e.Channels);
            Assert.Equal(r.Value.GetProperty("clipped").GetDouble(), e.Clipped!.Value, 1e-12);
            var rms = r.Value.GetProperty("rms").GetDouble();
            Assert.Equal(rms > 0 ? 20 * Math.Log10(rms) : double.NegativeInfinity, e.RmsDbfs!.Value, 1e-6);
        }
    }

    [MediaFact]
    public async Task Options_move_the_thresholds()
    {
        var strict = await AuditAsync("clean", new AuditOptions { Settings = AuditCatalog.ParseSettings(["blurry-image.max_variance=1e9"]) });
        var blur = Assert.Single(strict.Findings, f => f.Rule == "blurry-image");
        Assert.Equal(strict.Examples.Length, blur.Issues.Length);
        Assert.Throws<FormatException>(() => AuditCatalog.ParseSettings(["blurry-image.nope=1"]));
    }

    [MediaFact]
    public async Task A_link_leading_outside_the_folder_is_not_followed_and_is_noted()
    {
        var result = await AuditAsync("dirty");
        Assert.DoesNotContain(result.Examples, e => e.Path.EndsWith("outside.jpg", StringComparison.Ordinal));
        Assert.Contains(result.Notes, n => n.Contains("outside.jpg", StringComparison.Ordinal) && n.Contains("not followed", StringComparison.Ordinal));
    }

    [MediaFact]
    public async Task The_leave_out_list_holds_the_files_of_the_filtering_checks_and_not_the_originals_they_copy()
    {
        var result = await AuditAsync("dirty");
        Assert.Contains(result.LeaveOut, p => p.EndsWith("train/people/blurred.jpg", StringComparison.Ordinal));
        Assert.Contains(result.LeaveOut, p => p.EndsWith("val/people/leak_exact.jpg", StringComparison.Ordinal));
        Assert.Contains(result.LeaveOut, p => p.EndsWith("train/people/p0_copy.jpg", StringComparison.Ordinal));
        Assert.DoesNotContain(result.LeaveOut, p => p.EndsWith("train/people/p0.jpg", StringComparison.Ordinal));
        Assert.DoesNotContain(result.LeaveOut, p => p.EndsWith("train/people/exif.jpg", StringComparison.Ordinal));
    }
}
