using System.Text.Json.Serialization;

namespace Runlens.Import.Output;

/// <summary>One action of a control document: its id, verb (<c>stop</c>, <c>reduce_lr</c>, <c>rollback</c>), reason, and
/// the fields that apply to it (<c>factor</c>, <c>checkpoint</c>, the <c>rule</c> and <c>finding</c> that caused it, the
/// <c>step</c>), each left out when it does not apply, and when it was issued (ISO 8601).</summary>
public sealed record ControlActionJson(
    string? Id,
    string? Action,
    string? Reason,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? Factor,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Checkpoint,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Rule,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Finding,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? Step,
    string? IssuedAt);
