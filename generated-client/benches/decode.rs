//! Decoding a page of 1,000 DNS records into the typed result against
//! decoding it into `serde_json::Value`: typing must not cost time, even
//! when every record has fields that do not fit their types (each kept as
//! sent, with a mismatch for it).
//! `cargo bench -p generated-client --bench decode`.
//!
//! The records carry every field Cloudflare sends. `DnsRecord` is a union
//! tagged by `type`, which comes after `id` and `name` here as in the API's
//! answers: the decoder holds those two until it knows the kind, then reads
//! the rest straight into the kind's struct; `settings`, which neither the
//! docs nor the description declare, is kept in `extra`.

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use generated_client::dns_records_for_a_zone::DnsRecord;
use generated_client::runtime::Object;
use serde_json::{Value, json};

fn records(n: usize) -> String {
    serde_json::to_string(&record_values(n)).unwrap()
}

/// The same records, each with three fields that do not fit: a text TTL,
/// an array for `meta`, and a number among the tags.
fn unfit_records(n: usize) -> String {
    let mut records = record_values(n);
    for record in &mut records {
        record["ttl"] = json!("auto");
        record["meta"] = json!(["primary"]);
        record["tags"][1] = json!(7);
    }
    serde_json::to_string(&records).unwrap()
}

fn record_values(n: usize) -> Vec<Value> {
    (0..n)
        .map(|i| {
            json!({
                "id": format!("023e105f4ecef8ad9ca31a8372d0{i:04}"),
                "name": format!("host-{i}.example.com"),
                "type": "A",
                "content": format!("198.51.{}.{}", i / 256, i % 256),
                "proxiable": true,
                "proxied": i % 2 == 0,
                "ttl": 3600,
                "settings": {"ipv4_only": true, "ipv6_only": false},
                "meta": {"auto_added": false, "source": "primary"},
                "comment": "Domain verification record",
                "tags": ["owner:dns-team", "env:prod"],
                "created_on": "2014-01-01T05:20:00.12345Z",
                "modified_on": "2014-01-01T05:20:00.12345Z",
                "comment_modified_on": "2024-01-01T05:20:00.12345Z",
                "tags_modified_on": "2025-01-01T05:20:00.12345Z"
            })
        })
        .collect()
}

fn decode(c: &mut Criterion) {
    let text = records(1000);
    let mut group = c.benchmark_group("decode 1,000 DNS records");
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.bench_function("typed (Vec<DnsRecord>)", |b| {
        b.iter(|| serde_json::from_str::<Vec<DnsRecord>>(std::hint::black_box(&text)).unwrap())
    });
    group.bench_function("serde_json::Value", |b| {
        b.iter(|| serde_json::from_str::<Value>(std::hint::black_box(&text)).unwrap())
    });
    group.finish();

    let text = unfit_records(1000);
    let mut group = c.benchmark_group("decode 1,000 DNS records, 3 mismatches each");
    group.throughput(Throughput::Bytes(text.len() as u64));
    group.bench_function("typed (Vec<DnsRecord>)", |b| {
        b.iter(|| {
            let records =
                serde_json::from_str::<Vec<DnsRecord>>(std::hint::black_box(&text)).unwrap();
            assert_eq!(records_mismatches(&records), 3000);
            records
        })
    });
    group.bench_function("serde_json::Value", |b| {
        b.iter(|| serde_json::from_str::<Value>(std::hint::black_box(&text)).unwrap())
    });
    group.finish();
}

/// Every mismatch the records account for.
fn records_mismatches(records: &[DnsRecord]) -> usize {
    records
        .iter()
        .map(|record| match record {
            DnsRecord::A(a) => a.mismatches().len(),
            _ => 0,
        })
        .sum()
}

criterion_group!(benches, decode);
criterion_main!(benches);
