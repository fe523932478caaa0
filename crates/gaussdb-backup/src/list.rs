//! `ShowGaussMySqlBackupList`: backups of the project, one page or all.

use std::collections::{HashSet, VecDeque};

use futures_util::stream::{self, Stream};

use crate::client::Client;
use crate::generated::types;
use crate::{BackupType, Error, Language, Timestamp, rules};

/// The most backups [`ListBackups::stream`] yields unless told otherwise
/// ([`ListBackups::max_items`]): a bound, so that a service that keeps
/// answering cannot keep a caller paging forever.
pub const DEFAULT_MAX_ITEMS: usize = 10_000;

/// A backup list query being prepared: filters, then [`ListBackups::send`]
/// for one page or [`ListBackups::stream`] for all of them.
#[derive(Debug, Clone)]
#[must_use = "nothing is sent until `.send().await` or `.stream()`"]
pub struct ListBackups<'a> {
    client: &'a Client,
    instance_id: Option<String>,
    backup_id: Option<String>,
    backup_type: Option<BackupType>,
    offset: u32,
    limit: Option<u32>,
    begin_time: Option<Timestamp>,
    end_time: Option<Timestamp>,
    name: Option<String>,
    instance_name: Option<String>,
    language: Option<Language>,
    max_items: usize,
}

/// One page of a backup list.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct BackupPage {
    /// The backups of this page.
    pub backups: Vec<types::BackupSummary>,
    /// How many backups match the filters over all pages, when the service
    /// said.
    pub total_count: Option<i64>,
    /// `X-Request-Id` of the response, when present.
    pub request_id: Option<String>,
}

impl<'a> ListBackups<'a> {
    pub(crate) fn new(client: &'a Client) -> Self {
        ListBackups {
            client,
            instance_id: None,
            backup_id: None,
            backup_type: None,
            offset: 0,
            limit: None,
            begin_time: None,
            end_time: None,
            name: None,
            instance_name: None,
            language: client.language().cloned(),
            max_items: DEFAULT_MAX_ITEMS,
        }
    }

    /// Only the backups of this instance.
    pub fn instance_id(mut self, instance_id: impl Into<String>) -> Self {
        self.instance_id = Some(instance_id.into());
        self
    }

    /// Only the backup with this ID.
    pub fn backup_id(mut self, backup_id: impl Into<String>) -> Self {
        self.backup_id = Some(backup_id.into());
        self
    }

    /// Only backups of this type (`auto` or `manual`).
    pub fn backup_type(mut self, backup_type: BackupType) -> Self {
        self.backup_type = Some(backup_type);
        self
    }

    /// Skip this many matching backups (default 0). [`ListBackups::stream`]
    /// starts here.
    pub fn offset(mut self, offset: u32) -> Self {
        self.offset = offset;
        self
    }

    /// At most this many backups per page, 1 to 100 (the service's default
    /// is 100).
    pub fn limit(mut self, limit: u32) -> Self {
        self.limit = Some(limit);
        self
    }

    /// Only backups started at or after this time. A
    /// `chrono::DateTime<FixedOffset>` is written in the service's form; text
    /// is sent as given (the client encodes a `+` as `%2B`).
    pub fn begin_time(mut self, time: impl Into<Timestamp>) -> Self {
        self.begin_time = Some(time.into());
        self
    }

    /// Only backups started before this time (later than `begin_time`).
    pub fn end_time(mut self, time: impl Into<Timestamp>) -> Self {
        self.end_time = Some(time.into());
        self
    }

    /// Only backups with this name.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// Only backups of instances with this name.
    pub fn instance_name(mut self, instance_name: impl Into<String>) -> Self {
        self.instance_name = Some(instance_name.into());
        self
    }

    /// The language of the service's messages for this call (`X-Language`).
    pub fn language(mut self, language: Language) -> Self {
        self.language = Some(language);
        self
    }

    /// The most backups [`ListBackups::stream`] yields; default
    /// [`DEFAULT_MAX_ITEMS`].
    pub fn max_items(mut self, max_items: usize) -> Self {
        self.max_items = max_items;
        self
    }

    /// Fetches one page: `limit` backups from `offset`.
    pub async fn send(&self) -> Result<BackupPage, Error> {
        self.page(self.offset).await
    }

    async fn page(&self, offset: u32) -> Result<BackupPage, Error> {
        let (generated, context) = self.client.generated();
        let mut call = generated
            .show_gauss_my_sql_backup_list()
            .project_id(self.client.project_id().clone());
        if let Some(limit) = self.limit {
            let limit = std::num::NonZeroU32::new(limit)
                .filter(|l| l.get() <= 100)
                .ok_or_else(|| Error::invalid("limit", rules::LIMIT))?;
            call = call.limit(limit);
        }
        // The offset travels only when it is not the service's default.
        if offset > 0 {
            let offset = i32::try_from(offset)
                .map_err(|_| Error::invalid("offset", "must be at most 2147483647"))?;
            call = call.offset(offset);
        }
        if let Some(v) = &self.instance_id {
            call = call.instance_id(v.clone());
        }
        if let Some(v) = &self.backup_id {
            call = call.backup_id(v.clone());
        }
        if let Some(v) = &self.backup_type {
            call = call.backup_type(v.clone());
        }
        if let Some(v) = &self.begin_time {
            call = call.begin_time(v.as_str().to_owned());
        }
        if let Some(v) = &self.end_time {
            call = call.end_time(v.as_str().to_owned());
        }
        if let Some(v) = &self.name {
            call = call.name(v.clone());
        }
        if let Some(v) = &self.instance_name {
            call = call.instance_name(v.clone());
        }
        if let Some(language) = &self.language {
            call = call.x_language(language.clone());
        }
        let result = call.send().await;
        let answer = self.client.finish(result, &context)?;
        Ok(BackupPage {
            backups: answer.body.backups,
            total_count: answer.body.total_count,
            request_id: answer.request_id,
        })
    }

    /// Every matching backup, page after page from `offset`, each backup
    /// once (a backup created while paging shifts the pages; one already
    /// yielded is not yielded again). Stops at `total_count`, at an empty
    /// page, or after [`ListBackups::max_items`] backups; the first error
    /// ends the stream. Pages are fetched as the stream is read.
    pub fn stream(self) -> impl Stream<Item = Result<types::BackupSummary, Error>> + 'a {
        let state = Paging {
            offset: self.offset,
            query: self,
            buffer: VecDeque::new(),
            seen: HashSet::new(),
            done: false,
        };
        stream::unfold(state, |mut state| async move {
            loop {
                if state.seen.len() >= state.query.max_items {
                    return None;
                }
                if let Some(backup) = state.buffer.pop_front() {
                    if state.seen.insert(backup.id.clone()) {
                        return Some((Ok(backup), state));
                    }
                    continue;
                }
                if state.done {
                    return None;
                }
                match state.query.page(state.offset).await {
                    Ok(page) => {
                        let received = page.backups.len();
                        let next = u32::try_from(received)
                            .ok()
                            .and_then(|n| state.offset.checked_add(n));
                        match next {
                            Some(next) if received > 0 => state.offset = next,
                            _ => state.done = true,
                        }
                        if page
                            .total_count
                            .is_some_and(|total| i64::from(state.offset) >= total)
                        {
                            state.done = true;
                        }
                        state.buffer.extend(page.backups);
                    }
                    Err(err) => {
                        state.done = true;
                        return Some((Err(err), state));
                    }
                }
            }
        })
    }
}

struct Paging<'a> {
    query: ListBackups<'a>,
    offset: u32,
    buffer: VecDeque<types::BackupSummary>,
    seen: HashSet<String>,
    done: bool,
}
