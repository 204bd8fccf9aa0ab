using Google.Protobuf.Reflection;
using Grpc.Core;

namespace SriovForwarder.Gateway.Tests.Protos;

/// <summary>Records what a generated <c>BindService</c> registers: gRPC path, kind, and the proto names of the request and response.</summary>
internal sealed class RecordingServiceBinder : ServiceBinderBase
{
    public List<string> Methods { get; } = [];

    public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, UnaryServerMethod<TRequest, TResponse>? handler) =>
        Record(method);

    public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ServerStreamingServerMethod<TRequest, TResponse>? handler) =>
        Record(method);

    public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ClientStreamingServerMethod<TRequest, TResponse>? handler) =>
        Record(method);

    public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, DuplexStreamingServerMethod<TRequest, TResponse>? handler) =>
        Record(method);

    private void Record<TRequest, TResponse>(Method<TRequest, TResponse> method) =>
        Methods.Add($"{method.FullName} {method.Type} {ProtoName<TRequest>()} -> {ProtoName<TResponse>()}");

    private static string ProtoName<T>() =>
        ((MessageDescriptor)typeof(T).GetProperty("Descriptor")!.GetValue(null)!).FullName;
}
