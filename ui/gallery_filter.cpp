#include "ui/gallery_filter.h"

#include "ui/gallery_model.h"
#include "ui/string_convert.h"

#include <QRegularExpression>

namespace lightning::ui {
namespace {

bool contains_words(const QString& prompt, const QStringList& words) {
    for (const QString& word : words)
        if (!prompt.contains(word, Qt::CaseInsensitive)) return false;
    return true;
}

}  // namespace

QStringList GalleryFilter::words_of(const QString& text) {
    return text.split(QRegularExpression(QStringLiteral("\\s+")), Qt::SkipEmptyParts);
}

bool GalleryFilter::accepts(const GalleryItem& item) const {
    return accepts(item, words_of(text));
}

bool GalleryFilter::accepts(const GalleryItem& item, const QStringList& words) const {
    if (favourites_only && !item.favourite) return false;
    if (steps > 0 && item.record.request.steps != steps) return false;
    if (!model.isEmpty() && checkpoint_name(item.record) != model) return false;
    if (since.isValid() && item.created < since) return false;
    if (until.isValid() && item.created >= until) return false;
    return words.isEmpty() || contains_words(to_qstring(item.record.request.prompt), words);
}

bool GalleryFilter::is_empty() const {
    return text.trimmed().isEmpty() && steps == 0 && model.isEmpty() && !since.isValid() &&
           !until.isValid() && !favourites_only;
}

QDateTime range_start(DateRange range, const QDateTime& now) {
    const QDateTime local = now.toLocalTime();
    const QDateTime midnight(local.date(), QTime(0, 0));
    switch (range) {
        case DateRange::Any:
            return {};
        case DateRange::Today:
            return midnight.toUTC();
        case DateRange::Last7Days:
            return midnight.addDays(-6).toUTC();
        case DateRange::Last30Days:
            return midnight.addDays(-29).toUTC();
        case DateRange::ThisYear:
            return QDateTime(QDate(local.date().year(), 1, 1), QTime(0, 0)).toUTC();
    }
    return {};
}

GalleryFilterModel::GalleryFilterModel(GalleryModel* gallery, QObject* parent)
    : QSortFilterProxyModel(parent), gallery_(gallery) {
    setSourceModel(gallery);
    // Rows are re-filtered when the filter changes, not on every thumbnail or star change: a
    // row unstarred under "favourites only" stays until the filter is applied again.
    setDynamicSortFilter(false);
}

void GalleryFilterModel::set_filter(const GalleryFilter& filter) {
    if (filter == filter_) return;
    filter_ = filter;
    words_ = GalleryFilter::words_of(filter.text);
    invalidateFilter();
}

int GalleryFilterModel::source_row(int row) const {
    return mapToSource(index(row, 0)).row();
}

int GalleryFilterModel::row_of(int source_row) const {
    return mapFromSource(gallery_->index(source_row, 0)).row();
}

bool GalleryFilterModel::filterAcceptsRow(int source_row, const QModelIndex& source_parent) const {
    if (source_parent.isValid() || source_row >= gallery_->rowCount()) return false;
    return filter_.accepts(gallery_->item(source_row), words_);
}

}  // namespace lightning::ui
