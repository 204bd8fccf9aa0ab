using System.Text.Json.Serialization;
using SriovForwarder.Grains.Chain;
using SriovForwarder.Grains.Health;
using SriovForwarder.Grains.Node;

namespace SriovForwarder.Grains.Storage;

/// <summary>
/// Source-generated System.Text.Json metadata for the grain states the node's storages persist (decision 046): no
/// reflection and no type names at run time. A state type missing here is still written, by the Newtonsoft serializer.
/// </summary>
/// <remarks>
/// Property names as in C# and enums as numbers, so the JSON also reads with Orleans' Newtonsoft settings (a downgrade to
/// a release before decision 046). Nulls are left out, as those settings did: besides, the generated writer puts a null
/// <c>byte[]</c> down as <c>""</c>, which would read back as an empty array. So a nullable property must start null
/// (a test checks every state type). Computed get-only properties are not state and are left out.
/// </remarks>
[JsonSourceGenerationOptions(IgnoreReadOnlyProperties = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ConnectionState))]
[JsonSerializable(typeof(NodeAllocationState))]
[JsonSerializable(typeof(NodeTokenIdsState))]
[JsonSerializable(typeof(NodeHealthState))]
internal sealed partial class NodeStateJsonContext : JsonSerializerContext;
